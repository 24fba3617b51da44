"""GraphQL types, inputs, enums, scalars and payloads; `schema.root` assembles the one schema."""
