-- The one pass over every activity row (issue #16): points, decay at as-of and the surging windows,
-- summed per contact (contact_key) and, for rows attributed to the company only (contact_key NULL),
-- per account. Only rows attributed to an account and dated on or before as-of count (a re-run with an
-- earlier as-of does not see later behaviour). points: the input's own value wins, else the configured
-- points of the row's type (work.activity_type_points, from abm.engagement.score.type_points).
-- Decay: points × 0.5^(age in days / half-life). Recent window: age 0 .. recent_days-1; previous: the
-- previous_days before it. The decayed sum is rounded to 9 decimals: parallel summation order must not
-- move an account across a decile edge between two runs on the same input.
CREATE OR REPLACE TABLE work.engagement_sums AS
WITH scored AS (
    SELECT
        CASE WHEN a.attributed_by IN ('contact_id', 'email') THEN a.contact_id END AS contact_key,
        a.account_id,
        a.date,
        date_diff('day', a.date, $as_of) AS age_days,
        coalesce(CAST(a.points AS DOUBLE), t.type_points, $other_points) AS points
    FROM activities a
    LEFT JOIN work.activity_type_points t ON t.activity_type = a.activity_type
    WHERE a.account_id IS NOT NULL AND a.date <= $as_of
)
SELECT
    contact_key,
    account_id,
    sum(points) AS raw_points,
    round(sum(points * pow(0.5, age_days / $half_life_days)), 9) AS engagement_score,
    count(*) AS activities,
    max(date) AS last_activity_date,
    coalesce(sum(points) FILTER (WHERE age_days < $surge_recent_days), 0) AS recent_points,
    coalesce(
        sum(points) FILTER (
            WHERE age_days >= $surge_recent_days AND age_days < $surge_recent_days + $surge_previous_days
        ),
        0
    ) AS previous_points
FROM scored
GROUP BY contact_key, account_id;
