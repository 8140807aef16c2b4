"""From a unit's facts to its scorecard: facts built in SQL, the rules engine, the tally, ranking and runs.

`facts` builds each unit's facts from the store; `backends` chooses the rules engine and is the one
interface to it: `clips` (the only importer of clipspy, always installed) or `durable` (the only
importer of durable_rules, the optional [durable] extra); `matches` is what any backend hands up; `expressions` and
`tally` turn matches into exact Decimal scores; `orders` derives rectification items; `ranking`
grades and ranks; `chunks`, `runner` and `rerun` drive a whole period into an immutable run;
`scorecard` is the per-unit document; `examples` runs a standard's rule examples.

Nothing is imported here, so that importing one stage does not load an engine backend.
"""
