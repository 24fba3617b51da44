"""Background work every service process runs beside its requests: the outbox dispatcher and housekeeping."""
