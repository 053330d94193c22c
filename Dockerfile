# The app server's image for compose.yaml (docs/deploy.md, "Containers"):
# gunicorn with gunicorn.conf.py, the translations compiled and the static
# files collected at build time. Settings come from the environment.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/cooperation

# GNU gettext compiles the translations.
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN (cd cooperation && django-admin compilemessages --verbosity=0) \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v0 \
    && useradd --system --no-create-home registry

USER registry
EXPOSE 8000
CMD ["python", "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind=0.0.0.0:8000"]
