# syntax=docker/dockerfile:1
# One image for every process of the platform: web (gunicorn, the default command),
# migrate, Celery worker and Celery beat. docker-compose.yml shows how they are run.
FROM python:3.11-slim

# pyproject.toml installs no package ([tool.setuptools] packages = []): the code is imported
# from /app, which PYTHONPATH puts on the path of every command, wherever it runs from.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    PYTHONPATH=/app \
    MEDIA_ROOT=/app/media

# Libraries WeasyPrint loads at run time (Pango, HarfBuzz and its font subsetter) and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The dependencies, read from pyproject.toml, in their own layer so that a code change
# does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Translations, compiled with Babel (no gettext needed).
RUN pybabel compile --domain django --directory locale --statistics

# Static files for WhiteNoise. The key only lets the settings load; it is not kept.
RUN DEBUG=0 SECRET_KEY=collectstatic-at-build-time-only-not-a-real-secret \
    python manage.py collectstatic --no-input

# Run as an unprivileged user. It owns only its home (fontconfig's cache) and the media
# folder (where the named volume is mounted, which copies this ownership the first time);
# the code and the collected static files stay read-only.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app \
    && mkdir -p /app/media \
    && chown app:app /app/media
USER app

EXPOSE 8000

CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
