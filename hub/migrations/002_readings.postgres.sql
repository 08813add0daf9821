-- Readings: the narrow time series (ts, device, metric, value). No foreign key to devices: it costs ~12x on COPY;
-- ingest validates devices against its in-process cache of the registry instead.
-- Plain PostgreSQL: a BRIN index on time for range scans and retention; the hub deletes expired rows.

CREATE TABLE readings (
    ts         timestamptz NOT NULL,
    device_id  bigint NOT NULL,
    metric     text NOT NULL,
    value      double precision NOT NULL
);
-- Idempotent writes: a redelivered message maps to the same key and changes nothing.
CREATE UNIQUE INDEX readings_key ON readings (device_id, metric, ts);
CREATE INDEX readings_ts_brin ON readings USING brin (ts);
