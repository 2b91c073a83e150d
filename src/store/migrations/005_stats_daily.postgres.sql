-- Rebound schema, version 5 (PostgreSQL): the hourly counters summed per day as
-- well, so that a month of statistics reads a few thousand rows.
CREATE TABLE stats_daily (
  account_id BIGINT NOT NULL,
  day BIGINT NOT NULL,                        -- seconds since the epoch / 86400
  domain TEXT NOT NULL,
  metric TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  count BIGINT NOT NULL,
  PRIMARY KEY (account_id, day, metric, reason, domain)
);
INSERT INTO stats_daily (account_id, day, domain, metric, reason, count)
  SELECT account_id, hour / 24, domain, metric, reason, SUM(count) FROM stats_hourly
  GROUP BY account_id, hour / 24, domain, metric, reason;
