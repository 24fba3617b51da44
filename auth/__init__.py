"""Who is asking: password hashing, sessions and tokens, OTP, API keys, the viewer, the permission classes."""
