"""Jobs: the work `payplan worker` processes share, whatever it computes.

A job is queued chunk by chunk (`payplan.store.queue`); each kind of job (a run, a
batch of statements, …) says how to compute a chunk, how to store it, and how to
finish the job once every chunk is stored (`payplan.jobs.kinds`). `payplan.jobs.worker`
claims chunks and calls them. This layer sits above the use cases whose work it
queues and below the API, the pages and the command line that queue it.
"""
