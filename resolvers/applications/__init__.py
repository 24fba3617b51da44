"""Applications (hồ sơ dịch vụ công): the kinds and their rules, the lifecycle, and the root fields of citizen and
officer. docs/api.md, "Applications", describes the lifecycle."""
