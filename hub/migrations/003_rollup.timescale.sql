-- Hourly rollup of readings. TimescaleDB: a continuous aggregate with the same name and columns as the plain
-- PostgreSQL table, refreshed by a policy; real-time aggregation covers the newest hour.

CREATE MATERIALIZED VIEW readings_hourly
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', ts) AS bucket,
       device_id,
       metric,
       count(*)    AS n,
       sum(value)  AS total,
       min(value)  AS min,
       max(value)  AS max
FROM readings
GROUP BY 1, 2, 3
WITH NO DATA;

SELECT add_continuous_aggregate_policy('readings_hourly',
    start_offset => INTERVAL '3 days',
    end_offset => INTERVAL '1 hour',
    schedule_interval => INTERVAL '30 minutes');

-- Kept so that ingest writes the same statements on both paths; the scheduler ignores it here.
CREATE TABLE rollup_state (
    id          int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    dirty_from  timestamptz
);
INSERT INTO rollup_state (id, dirty_from) VALUES (1, NULL);
