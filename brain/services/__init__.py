"""Writes of the brain, one module per concept: one keyword-only function per use case, transactional, raising
domain errors. A service that works inside a brain enters that brain itself, so a view, a task, a command or a
test calls it alike."""
