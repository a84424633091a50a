-- test/data/generate_contacts.sql: realistic synthetic contacts for ccr.contacts.
--
--   psql -v ON_ERROR_STOP=1 -v n=50000 -v days=28 -f test/data/generate_contacts.sql
--
-- psql variables (all optional):
--   n          about how many contacts (default 10000; the exact count is
--              printed: each day x hour slot gets round(n * its share))
--   days       days to cover (default 28)
--   start      first local day (default 2026-01-05, a Monday)
--   tz         time zone whose wall clock shapes the arrival curve (default UTC)
--   seed       setseed() value in [-1, 1] (default 0.42): same inputs, same rows
--   queues     number of queues, 1..6 (default 4): support, sales, billing,
--              tech, retention, vip; skewed, support busiest
--   agents     agent pool (default 30): agent001 ..
--   customers  customer pool (default n / 4): C000001 ..; skewed so some
--              customers call many times (repeat contacts for FCR)
--   source     ccr.contacts.source (default 'gen'); source_id is the row
--              number, so re-running with the same source adds nothing
--
-- Shape: arrivals follow a weekday curve (Monday busiest, weekend light) and
-- an intraday curve (peaks 10-11 h and 14-15 h local, quiet nights); channel
-- voice 70 %, chat 20 %, email 10 %.  Waits are exponential with a mean that
-- grows with the hour's load; callers abandon when their exponential patience
-- (voice 2 min, chat 5 min, email never) runs out first; unanswered outcomes
-- are abandoned 85 %, timeout 7 %, exit_key 5 %, exit_empty 3 %.  Answered
-- contacts get log-normal talk (median 4 min voice), hold on 30 %, ACW
-- (NULL on 5 %), transferred 8 %, resolved 80 % (NULL 5 %), fcr flag (NULL
-- 10 %, true only when resolved), a CSAT answer on 25 % (1-5, top-2-box about
-- 75 %), an NPS answer on 15 % (NPS about +15).  Unanswered contacts have no agent, talk,
-- resolution or survey.  ces_score is left NULL.
\if :{?n} \else \set n 10000 \endif
\if :{?days} \else \set days 28 \endif
\if :{?start} \else \set start 2026-01-05 \endif
\if :{?tz} \else \set tz UTC \endif
\if :{?seed} \else \set seed 0.42 \endif
\if :{?queues} \else \set queues 4 \endif
\if :{?agents} \else \set agents 30 \endif
\if :{?customers}
\else
SELECT greatest(1, :n / 4) AS customers \gset
\endif
\if :{?source} \else \set source gen \endif

SELECT setseed(:seed) \gset
INSERT INTO ccr.contacts (source, source_id, channel, queue, agent, customer, reason,
						  offered_at, answered_at, ended_at, outcome, talk_s, hold_s, acw_s,
						  transferred, resolved, fcr, csat_score, csat_scale, nps_score)
WITH dw(isodow, w) AS (VALUES (1, 1.15), (2, 1.05), (3, 1.0), (4, 1.0), (5, 0.95), (6, 0.45), (7, 0.3)),
hw(h, w) AS (VALUES (0, 0.06), (1, 0.04), (2, 0.03), (3, 0.03), (4, 0.04), (5, 0.08), (6, 0.2), (7, 0.45),
					(8, 0.9), (9, 1.3), (10, 1.5), (11, 1.4), (12, 1.0), (13, 1.1), (14, 1.35), (15, 1.3),
					(16, 1.1), (17, 0.8), (18, 0.5), (19, 0.35), (20, 0.25), (21, 0.15), (22, 0.1), (23, 0.07)),
slots AS (
	SELECT d, hw.h, hw.w AS load,
		   ((:'start'::date + d)::timestamp + make_interval(hours => hw.h)) AT TIME ZONE :'tz' AS t0,
		   ((:'start'::date + d)::timestamp + make_interval(hours => hw.h + 1)) AT TIME ZONE :'tz' AS t1,
		   round(:n * dw.w * hw.w / sum(dw.w * hw.w) OVER ())::int AS k
	FROM generate_series(0, :days - 1) d
		 JOIN dw ON dw.isodow = extract(isodow FROM :'start'::date + d)
		 CROSS JOIN hw
),
base AS MATERIALIZED (
	SELECT row_number() OVER (ORDER BY s.d, s.h, i) AS g, s.t0, s.t1, s.load,
		   random() AS u_at, random() AS u_ch, random() AS u_q, random() AS u_w, random() AS u_p,
		   random() AS u_o, random() AS u_t1, random() AS u_t2, random() AS u_h, random() AS u_h2,
		   random() AS u_a, random() AS u_a2, random() AS u_ag, random() AS u_c, random() AS u_rs,
		   random() AS u_tr, random() AS u_r, random() AS u_f, random() AS u_f2, random() AS u_s,
		   random() AS u_s2, random() AS u_n, random() AS u_n2
	FROM slots s, generate_series(1, s.k) i
),
c1 AS (
	SELECT b.*,
		   b.t0 + (b.t1 - b.t0) * b.u_at AS offered_at,
		   CASE WHEN b.u_ch < 0.7 THEN 'voice' WHEN b.u_ch < 0.9 THEN 'chat' ELSE 'email' END AS channel
	FROM base b
),
c2 AS (
	SELECT c1.*,
		   round((-ln(1 - u_w) * (3 + 10 * load)
				  * CASE channel WHEN 'voice' THEN 1 WHEN 'chat' THEN 1.5 ELSE 30 END)::numeric, 3)::float8 AS wait,
		   CASE channel WHEN 'email' THEN 'Infinity'::float8
				ELSE round((-ln(1 - u_p) * CASE channel WHEN 'voice' THEN 120 ELSE 300 END)::numeric, 3)::float8 END AS patience
	FROM c1
),
c3 AS (
	SELECT c2.*, wait < patience AS ans,
		   CASE WHEN wait < patience THEN
				round(exp(ln(CASE channel WHEN 'voice' THEN 240 WHEN 'chat' THEN 420 ELSE 300 END)
						  + 0.6 * sqrt(-2 * ln(1 - u_t1)) * cos(2 * pi() * u_t2))::numeric, 3)::float8 END AS talk,
		   CASE WHEN wait >= patience THEN NULL WHEN u_h < 0.3 THEN round((-ln(1 - u_h2) * 45)::numeric, 3)::float8 ELSE 0 END AS hold
	FROM c2
)
SELECT :'source', g::text, channel,
	   (ARRAY['support', 'sales', 'billing', 'tech', 'retention', 'vip'])[1 + floor(power(u_q, 1.4) * least(greatest(:queues, 1), 6))::int],
	   CASE WHEN ans THEN 'agent' || lpad((1 + floor(u_ag * :agents))::int::text, 3, '0') END,
	   CASE WHEN u_c < 0.97 THEN 'C' || lpad(floor(:customers * power(u_c / 0.97, 2))::bigint::text, 6, '0') END,
	   (ARRAY['billing question', 'technical issue', 'order status', 'cancellation', 'other'])[1 + floor(u_rs * 5)::int],
	   offered_at,
	   CASE WHEN ans THEN offered_at + make_interval(secs => wait) END,
	   CASE WHEN ans THEN offered_at + make_interval(secs => wait + talk + hold)
			ELSE offered_at + make_interval(secs => patience) END,
	   CASE WHEN ans THEN 'answered' WHEN u_o < 0.85 THEN 'abandoned' WHEN u_o < 0.92 THEN 'timeout'
			WHEN u_o < 0.97 THEN 'exit_key' ELSE 'exit_empty' END,
	   talk, hold,
	   CASE WHEN ans AND u_a >= 0.05 THEN round((5 + -ln(1 - u_a2) * 30)::numeric, 3)::float8 END,
	   CASE WHEN ans THEN u_tr < 0.08 END,
	   CASE WHEN ans AND u_r >= 0.05 THEN u_r < 0.81 END,
	   CASE WHEN ans AND u_f >= 0.1 THEN u_r >= 0.05 AND u_r < 0.81 AND u_f2 < 0.85 END,
	   CASE WHEN ans AND u_s < 0.25 THEN
			CASE WHEN u_s2 < 0.05 THEN 1 WHEN u_s2 < 0.12 THEN 2 WHEN u_s2 < 0.25 THEN 3 WHEN u_s2 < 0.55 THEN 4 ELSE 5 END END,
	   CASE WHEN ans AND u_s < 0.25 THEN 5 END,
	   CASE WHEN ans AND u_n < 0.15 THEN least(10, floor(11 * power(u_n2, 0.35))::int) END
FROM c3
ORDER BY g
ON CONFLICT (source, source_id, queue, stint) DO NOTHING;
