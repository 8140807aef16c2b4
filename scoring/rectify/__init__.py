"""Rectification (整改): items with deadlines and statuses, and the register that lists and updates them."""
