FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY scripts/install-system-deps.sh scripts/
RUN scripts/install-system-deps.sh && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir . \
 && DJANGO_ENV=production SECRET_KEY=build-only-not-secret-build-only-not-secret \
    ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
 && DJANGO_ENV=production SECRET_KEY=build-only-not-secret-build-only-not-secret \
    ALLOWED_HOSTS=build python manage.py compilemessages
RUN useradd --system --uid 10001 dd && mkdir -p /data/media && chown dd /data/media
USER dd
EXPOSE 8000
CMD ["gunicorn", "duediligence.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
