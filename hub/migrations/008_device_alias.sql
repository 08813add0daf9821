-- A second name a device goes by (the Zigbee friendly name of a device registered by IEEE address), kept up to
-- date by ingest from the gateway's announcements, so messages under that name find the device even when the
-- gateway's retained device list is not sent again (an ingest session that subscribes again gets no retained).

ALTER TABLE devices ADD COLUMN alias text CHECK (length(alias) BETWEEN 1 AND 200);
CREATE INDEX devices_alias ON devices (adapter, alias) WHERE alias IS NOT NULL AND status = 'active';
