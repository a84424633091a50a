-- a new contact (answered 4 times in 5), sometimes a late survey answer on
-- an earlier one
\set q random(0, 3)
\set ch random(0, 2)
\set off random(0, 1209600)
\set w random(0, 90)
\set ans random(0, 4)
\set talk random(30, 600)
\set score random(1, 5)
INSERT INTO ccr.contacts (source, queue, channel, agent, customer, offered_at, answered_at, ended_at, outcome,
	talk_s, hold_s, acw_s, fcr, resolved, csat_score, csat_scale, nps_score)
VALUES ('pgbench', 'q' || :q, (ARRAY['voice', 'chat', 'email'])[:ch + 1], 'a' || :off % 9, 'c' || :off % 500,
	timestamptz '2026-03-01 00:00+00' + :off * interval '1 s',
	CASE WHEN :ans > 0 THEN timestamptz '2026-03-01 00:00+00' + (:off + :w) * interval '1 s' END,
	timestamptz '2026-03-01 00:00+00' + (:off + :w + CASE WHEN :ans > 0 THEN :talk ELSE 0 END) * interval '1 s',
	CASE WHEN :ans > 0 THEN 'answered' ELSE 'abandoned' END,
	CASE WHEN :ans > 0 THEN :talk END, CASE WHEN :ans > 2 THEN :w END, CASE WHEN :ans > 0 THEN :score * 7 END,
	:ans > 1, :ans > 0, CASE WHEN :score > 2 THEN :score END, CASE WHEN :score > 2 THEN 5 END,
	CASE WHEN :ans > 3 THEN :score * 2 END);
UPDATE ccr.contacts SET csat_score = :score, csat_scale = 5
WHERE contact_id = (SELECT max(contact_id) - :off % 100 FROM ccr.contacts) AND csat_score IS NULL;
