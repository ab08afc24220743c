"""The shop backend: a relational model of customers, catalog and orders, with seed and import commands."""
