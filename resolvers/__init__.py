"""Short async functions that ask loaders or db/ for rows and map them to schema types."""
