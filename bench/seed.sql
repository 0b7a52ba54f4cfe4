-- Seeds :n cases (with their parties, search terms and assignments) for the list benchmark, in bulk.
--   psql -v n=1000000 -v orgs='{uuid,…}' -v codes='{CODE,…}' -v creator=UUID -f bench/seed.sql
-- The first organisation (the benchmark mediator's) gets 40 % of the cases, the others share the
-- rest. Cases are spread over seven years (more of them recently), their ids are UUIDv7 made
-- from created_at (as the service makes them, so "newest first" is "highest id first"); old
-- cases are mostly finished, recent ones mostly open. Deterministic (setseed).
\set ON_ERROR_STOP 1
SET synchronous_commit = off;
SET maintenance_work_mem = '256MB';
SET work_mem = '64MB';
SELECT setseed(0.42) \g /dev/null

CREATE TEMP TABLE seed_words AS SELECT
  '{大连,威海,烟台,丹东,西宁,兰州,白银,沈阳,青岛,济南,北京,上海,深圳,杭州,成都}'::text[] AS cities,
  '{海,华,天,金,宏,瑞,新,信,利,达,盛,鑫,恒,安,德,嘉,凯,隆,祥,泰}'::text[] AS brand1,
  '{洋,星,科,源,通,邦,诚,远,丰,辉,宇,创,博,康,美,佳,龙,阳,林,峰}'::text[] AS brand2,
  '{科技,食品,电子,制药,服装,机械,文化,农业,软件,化工,贸易,生物}'::text[] AS trades,
  '{王,李,张,刘,陈,杨,赵,黄,周,吴,徐,孙,胡,朱,高,林,何,郭,马,罗}'::text[] AS surnames,
  '{伟,芳,娜,敏,静,丽,强,磊,军,洋,勇,艳,杰,娟,涛,明,超,秀英,华,平}'::text[] AS given,
  :'orgs'::uuid[] AS orgs,
  :'codes'::text[] AS codes;

-- One row per case with everything drawn once.
CREATE TEMP TABLE seed_cases AS
SELECT s.i,
       w.orgs[o.k] AS organization_id,
       w.codes[o.k] AS org_code,
       c.created_at,
       (lpad(to_hex((extract(epoch FROM c.created_at) * 1000)::bigint), 12, '0') || '7'
         || substr(md5(s.i::text), 1, 3) || '8' || substr(md5(s.i::text), 4, 15))::uuid AS id,
       r.r_ip, r.r_track, r.r_status, r.r_party, r.r_name1, r.r_name2, r.r_name3, r.r_amount
FROM generate_series(1, :n) AS s(i)
CROSS JOIN seed_words w
CROSS JOIN LATERAL (SELECT random() AS r_ip, random() AS r_track, random() AS r_status,
                           random() AS r_party, random() AS r_name1, random() AS r_name2,
                           random() AS r_name3, random() AS r_amount, random() AS r_org,
                           random() AS r_age, s.i AS touch) r
CROSS JOIN LATERAL (SELECT CASE WHEN r.r_org < 0.4 THEN 1
                                ELSE 2 + floor((r.r_org - 0.4) / 0.6 * (cardinality(w.orgs) - 1))::int
                           END AS k) o
CROSS JOIN LATERAL (SELECT date_trunc('second', now() - interval '7 years' * power(r.r_age, 1.6))
                             - interval '1 second' * (s.i % 997) AS created_at) c;

CREATE TEMP TABLE seed_full AS
SELECT sc.*,
       CASE WHEN r_ip < 0.30 THEN 'trademark' WHEN r_ip < 0.50 THEN 'copyright'
            WHEN r_ip < 0.62 THEN 'invention_patent' WHEN r_ip < 0.72 THEN 'utility_model'
            WHEN r_ip < 0.82 THEN 'design_patent' WHEN r_ip < 0.87 THEN 'trade_secret'
            WHEN r_ip < 0.91 THEN 'geographical_indication' WHEN r_ip < 0.93 THEN 'plant_variety'
            WHEN r_ip < 0.94 THEN 'ic_layout_design' ELSE 'other' END AS ip_type,
       CASE WHEN r_track < 0.70 THEN 'people' WHEN r_track < 0.80 THEN 'admin_patent'
            WHEN r_track < 0.90 THEN 'admin_trademark' ELSE 'industry' END AS track,
       CASE WHEN created_at > now() - interval '60 days' THEN
              CASE WHEN r_status < 0.25 THEN 'submitted' WHEN r_status < 0.45 THEN 'accepted'
                   WHEN r_status < 0.85 THEN 'in_mediation' WHEN r_status < 0.92 THEN 'settled'
                   WHEN r_status < 0.96 THEN 'declined' ELSE 'withdrawn' END
            ELSE
              CASE WHEN r_status < 0.02 THEN 'in_mediation' WHEN r_status < 0.05 THEN 'settled'
                   WHEN r_status < 0.15 THEN 'failed' WHEN r_status < 0.22 THEN 'withdrawn'
                   WHEN r_status < 0.27 THEN 'declined' WHEN r_status < 0.37 THEN 'performed'
                   WHEN r_status < 0.40 THEN 'breached' WHEN r_status < 0.41 THEN 'returned'
                   ELSE 'closed' END
       END AS status
FROM seed_cases sc;
DROP TABLE seed_cases;

INSERT INTO cases (id, case_number, organization_id, referring_court_id, track, ip_type,
                   right_identifier, right_title, claims, amount_fen, city, court_procedure,
                   status, consent, reason, routes, withdrawn_by, enforceable, returned_on,
                   version, created_by, created_at, updated_at)
SELECT f.id,
       CASE WHEN f.status = 'submitted' THEN NULL
            ELSE f.org_code || '-' || extract(year FROM f.created_at)::int || '-B' || lpad(f.i::text, 7, '0') END,
       f.organization_id, NULL, f.track, f.ip_type,
       CASE WHEN f.ip_type IN ('invention_patent', 'utility_model', 'design_patent')
              THEN extract(year FROM f.created_at)::int - 2 || '1' || lpad((f.i % 10000000)::text, 7, '0') || '.' || (f.i % 10)
            WHEN f.ip_type = 'trademark' THEN lpad((10000000 + f.i * 7 % 89999999)::text, 8, '0')
            ELSE 'R' || f.i END,
       NULL,
       '["停止侵权","赔偿损失"]',
       CASE WHEN f.r_amount < 0.3 THEN NULL ELSE (f.r_amount * 100000000)::bigint END,
       w.cities[1 + f.i % cardinality(w.cities)], NULL,
       f.status,
       CASE WHEN f.status IN ('submitted', 'accepted', 'declined') THEN 'pending' ELSE 'given' END,
       CASE WHEN f.status IN ('declined', 'failed', 'withdrawn') THEN '双方分歧较大' END,
       NULL,
       CASE WHEN f.status = 'withdrawn' THEN 'applicant' END,
       false, NULL,
       CASE WHEN f.status = 'submitted' THEN 1 ELSE 3 + f.i % 5 END,
       :'creator'::uuid, f.created_at, f.created_at + interval '1 day' * (f.i % 40)
FROM seed_full f CROSS JOIN seed_words w;

-- Intake assigns the case to the mediator who opened it.
INSERT INTO case_assignments (case_id, account_id, assigned_by, assigned_at)
SELECT f.id, :'creator'::uuid, :'creator'::uuid, f.created_at FROM seed_full f;

-- Party 1: a company (the applicant); party 2: a person or a company (the respondent).
CREATE TEMP TABLE seed_parties AS
SELECT f.id AS case_id, 1 AS number, 'applicant' AS side, 'organization' AS kind,
       w.cities[1 + (f.r_name1 * 15)::int % 15] || w.brand1[1 + (f.r_name2 * 20)::int % 20]
         || w.brand2[1 + (f.r_name3 * 20)::int % 20] || w.trades[1 + f.i % 12] || '有限公司' AS name,
       NULL::text AS phone
FROM seed_full f CROSS JOIN seed_words w
UNION ALL
SELECT f.id, 2, 'respondent',
       CASE WHEN f.r_party < 0.6 THEN 'person' ELSE 'organization' END,
       CASE WHEN f.r_party < 0.6
            THEN w.surnames[1 + f.i % 20] || w.given[1 + (f.i / 20) % 20]
            ELSE w.cities[1 + (f.i / 7) % 15] || w.brand1[1 + (f.i / 3) % 20] || w.brand2[1 + (f.i / 11) % 20]
                 || w.trades[1 + (f.i / 5) % 12] || '有限公司' END,
       CASE WHEN f.r_party < 0.6 THEN '138' || lpad((f.i % 100000000)::text, 8, '0') END
FROM seed_full f CROSS JOIN seed_words w;

INSERT INTO case_parties (case_id, number, side, kind, name, id_number, credit_code, phone, address, agents)
SELECT case_id, number, side, kind, name, NULL, NULL, phone, NULL, '[]' FROM seed_parties;

-- The search terms the service would store: each party's name and the right (lower case).
INSERT INTO case_search_terms (term, case_id, organization_id)
SELECT DISTINCT t.term, t.case_id, f.organization_id
FROM (SELECT lower(name) AS term, case_id FROM seed_parties
      UNION ALL
      SELECT lower(c.right_identifier), c.id FROM cases c JOIN seed_full f2 ON f2.id = c.id) t
JOIN seed_full f ON f.id = t.case_id;

DROP TABLE seed_parties;
DROP TABLE seed_full;
DROP TABLE seed_words;
