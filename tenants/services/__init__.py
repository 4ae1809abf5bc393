"""Every write of the tenants app, one module per concept: one function per use case, transactional, raising domain
errors. A service that works inside a brain enters that brain itself, so a view, a task, a command or a test can
call it alike."""
