"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py "festival:create_app()"`.

Application servers keep no state of their own (sessions are signed cookies, rate-limit counts
go to Redis with REDIS_URL), so several can run behind one load balancer and one PostgreSQL.
"""
import gc
import multiprocessing
import os

bind = f"{os.environ.get('BIND_HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))      # a hung request is cut here
graceful_timeout = 20                                        # finish requests on SIGTERM
keepalive = 5                                                # door phones reuse connections
max_requests = 2000                                          # recycle workers now and then
max_requests_jitter = 200
# Behind a proxy, trust its X-Forwarded-* headers (and set PROXY_COUNT for the application).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the application logs one JSON line per request in production
errorlog = "-"
loglevel = "info"


def post_worker_init(worker):
    """Once a worker has loaded the application, move what the loading built (about 150,000
    objects) into the garbage collector's permanent generation. A full collection then walks
    only what requests created since, instead of pausing the worker for up to 180 ms in the
    middle of a queue at the door."""
    gc.collect()
    gc.freeze()
