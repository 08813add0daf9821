# One image for every CareHub process; the compose file picks the command.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY hub hub
COPY devices devices
COPY alerts alerts
COPY analytics analytics
COPY simulator simulator
COPY mqttio mqttio
COPY core core
COPY access access
RUN pip install --no-cache-dir . && useradd --system carehub
USER carehub
ENTRYPOINT ["carehub"]
