"""Background job functions (take ids, open their own session) and the queue seam."""
