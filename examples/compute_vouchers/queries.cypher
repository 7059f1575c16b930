// Example questions for the compute-voucher model (docs/models/compute_vouchers.md).
// Each statement ends with ';'. tests/models/compute_vouchers_session_test.cc
// runs every one of them after CALL vouchers.load.

// Which programmes exist, who issues them, and how big are they?
MATCH (a:PolicyActor)-[:ISSUES]->(v:VoucherProgram)
RETURN v.id AS program, a.display AS issuer, v.instrument AS instrument, v.year AS year,
       v.budget_cny AS budget_cny, v.cap_cny AS cap_cny, v.share AS share, v.source AS source
ORDER BY program;

// Is the H20 legal under the October 2023 rule, and why? And the H100?
CALL chips.legal('H20', date('2024-01-01')) YIELD chip, legal, rule, test
RETURN chip, legal, rule, test;

CALL chips.legal('H100', date('2024-01-01')) YIELD chip, legal, rule, test
RETURN chip, legal, rule, test;

// Which rules restricted which chips, and when?
MATCH (actor:PolicyActor)-[:IMPOSES]->(c:ExportControl)-[r:RESTRICTS]->(chip:ChipModel)
RETURN chip.display AS chip, c.id AS rule, actor.display AS issuer, r.from AS from, r.until AS until, r.fee AS fee
ORDER BY chip, from;

// What does one voucher buy at each eligible provider?
CALL vouchers.capacity('V10') YIELD provider, chip, voucher_cny, share, price_cny_per_gpu_hour, gpu_hours
RETURN provider, chip, voucher_cny, share, price_cny_per_gpu_hour, gpu_hours;

// A typical 1-2M CNY voucher at 12.8 CNY per H100 GPU-hour (the brief's worked example).
CALL vouchers.capacity('V17', {chip: 'H100', price_cny_per_gpu_hour: 12.8}) YIELD voucher_cny, gpu_hours
RETURN voucher_cny, gpu_hours, gpu_hours / 8760 AS gpu_years;

// Chip supply per year by channel and origin.
CALL chips.flow() YIELD year, channel, origin, supply
RETURN year, channel, origin, sum(supply) AS units
ORDER BY year, channel, origin;

// Installed compute at the end of 2025, by origin.
CALL chips.flow({end: '2025-12-31'}) YIELD quarter, origin, capacity_pflops
WHERE quarter = '2025Q4'
RETURN origin, sum(capacity_pflops) AS pflops;

// What if the US had tightened to TPP >= 2000 from mid-2024 (no H20)?
CALL chips.flow({tighten_date: date('2024-07-01'), tighten_tpp_min: 2000}) YIELD year, channel, supply
WHERE channel = 'legal_import'
RETURN year, sum(supply) AS legal_imports ORDER BY year;

// Voucher outcomes per programme and year.
CALL vouchers.simulate() YIELD program, year, subsidy_cny, delivered_gpu_hours, unmet_gpu_hours
RETURN program, year, sum(subsidy_cny) AS subsidy_cny, sum(delivered_gpu_hours) AS delivered,
       sum(unmet_gpu_hours) AS unmet
ORDER BY program, year;

// Which articles evidence the programmes with the largest unmet demand?
CALL vouchers.simulate({firms: 200}) YIELD program, unmet_gpu_hours
WITH program, sum(unmet_gpu_hours) AS unmet ORDER BY unmet DESC LIMIT 3
MATCH (a:PolicyActor)-[:ISSUES]->(:VoucherProgram {id: program})
OPTIONAL MATCH (art:Article)-[:MENTIONS_ACTOR]->(a)
RETURN program, a.display AS issuer, unmet, collect(art.title)[..5] AS evidence
ORDER BY unmet DESC;

// The scenario keys and their sourced defaults.
CALL vouchers.parameters() YIELD key, value, unit, source, estimate
RETURN key, value, unit, source, estimate;
