"""Site search (being written): registered as its own Sphinx extension."""


def setup(app):
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
