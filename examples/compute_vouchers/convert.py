#!/usr/bin/env python3
"""Builds examples/compute_vouchers/model.json from the domain data set.

    python3 convert.py [--domain PATH] [--out PATH] [--check]

Input: /work/shared/domain/compute_vouchers.json (the sourced facts). The
domain file describes programmes, controls and chips in prose fields; what
the model needs in machine form (which chips a rule names, when a rule takes
effect, which issuer is which PolicyActor, the default schedules) is written
below as a small curated overlay, every entry naming the domain rows it rests
on and flagged `estimate` when it is an assumption. Every record in the
output keeps `source` (a URL or a row id list) and `estimate`.

--check regenerates in memory and exits 1 if the committed file differs
(the test suite runs it), so model.json is always reproducible.
"""
import argparse
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DOMAIN = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "domain", "compute_vouchers.json"))
HORIZON_END = 2027


def norm(name):
    """PolicyActor / ChipModel key: trimmed, whitespace collapsed, lower-cased."""
    return re.sub(r"\s+", " ", name.strip()).lower()


# --- Actors ---------------------------------------------------------------
# Display names are the canonical names of the actors gazetteer
# (examples/actors.tsv) where it has the issuer, so that the actors
# enricher's PolicyActor nodes and the model's are the same nodes; the key
# `name` is the normalised form.
ACTORS = [
    # display, kind, level, country
    ("Chengdu Municipal Government", "city government", "city", "CN"),
    ("Beijing Municipal Government", "city government", "city", "CN"),
    ("Shanghai Municipal Government", "city government", "city", "CN"),
    ("Hangzhou Municipal Government", "city government", "city", "CN"),
    ("Shenzhen Municipal Government", "city government", "city", "CN"),
    ("Shenzhen Longgang District Government", "district government", "city", "CN"),
    ("Shenzhen Guangming District Government", "district government", "city", "CN"),
    ("Xiamen Municipal Government", "city government", "city", "CN"),
    ("Ningbo Municipal Government", "city government", "city", "CN"),
    ("Henan Provincial Government", "provincial government", "province", "CN"),
    ("Guizhou Provincial Government", "provincial government", "province", "CN"),
    ("Shandong Provincial Government", "provincial government", "province", "CN"),
    ("National Development and Reform Commission", "ministry", "national", "CN"),
    ("Government of China", "government", "national", "CN"),
    ("Cyberspace Administration of China", "agency", "national", "CN"),
    ("Government of the United States", "government", "national", "US"),
    ("US Department of Commerce", "ministry", "national", "US"),
    ("Bureau of Industry and Security", "agency", "national", "US"),
]

# Programme id -> (actor display name, first year, last year, budget reset,
# simulate?, providers, share for foreign compute, share for domestic compute,
# notes on the curation).
PROGRAMS = {
    "V01": ("Chengdu Municipal Government", 2023, HORIZON_END, "yearly", True, ["National Supercomputing Center Chengdu", "Chengdu Intelligent Computing Center"], None, None, ""),
    "V02": ("Chengdu Municipal Government", 2025, HORIZON_END, "pool", True, ["National Supercomputing Center Chengdu", "Chengdu Intelligent Computing Center"], None, None, "period not stated: treated as one pool"),
    "V03": ("Beijing Municipal Government", 2023, 2025, "yearly", True, ["Beijing compute partners"], None, None, "plan period 2023-2025"),
    "V04": ("Beijing Municipal Government", 2024, HORIZON_END, "pool", False, ["Beijing compute partners"], None, None, "conflicting secondary report of V03: not simulated by default"),
    "V05": ("Shanghai Municipal Government", 2023, 2025, "yearly", True, ["Shanghai compute scheduling platform"], None, None, "plan period 2023-2025"),
    "V06": ("Shanghai Municipal Government", 2025, HORIZON_END, "pool", True, ["Shanghai compute scheduling platform"], None, None, "programme total: one pool"),
    "V07": ("Shanghai Municipal Government", 2025, HORIZON_END, "pool", False, [], None, None, "model voucher: buys model services, not compute"),
    "V08": ("Shanghai Municipal Government", 2025, HORIZON_END, "pool", False, [], None, None, "corpus voucher: buys data, not compute"),
    "V09": ("Shanghai Municipal Government", 2026, HORIZON_END, "yearly", True, ["Shanghai compute scheduling platform"], None, None, ""),
    "V10": ("Hangzhou Municipal Government", 2024, HORIZON_END, "yearly", True, ["Hangzhou intelligent computing centres", "Hangzhou matchmaking partners"], 0.20, 0.30, "20% for other compute, 30% for domestic compute (cost_share_notes)"),
    "V11": ("Hangzhou Municipal Government", 2025, 2028, "yearly", True, ["Hangzhou intelligent computing centres", "Hangzhou matchmaking partners"], None, None, "1bn over four years: 250M per year"),
    "V12": ("Hangzhou Municipal Government", 2025, 2027, "yearly", True, ["Hangzhou intelligent computing centres", "Hangzhou matchmaking partners"], None, None, "plan period 2025-2027"),
    "V13": ("Shenzhen Municipal Government", 2025, 2026, "yearly", True, ["Shenzhen compute rental market"], None, None, "published Dec 2024, valid two years; 60% is the start-up rate"),
    "V14": ("Shenzhen Longgang District Government", 2024, HORIZON_END, "yearly", True, ["Shenzhen compute rental market"], None, None, "year not stated: 2024 assumed (estimate)"),
    "V15": ("Shenzhen Guangming District Government", 2025, 2027, "yearly", True, ["Shenzhen compute rental market"], None, None, "up to 3 consecutive years"),
    "V16": ("Xiamen Municipal Government", 2024, HORIZON_END, "yearly", True, [], None, None, ""),
    "V17": ("Henan Provincial Government", 2025, HORIZON_END, "yearly", True, ["Henan supercomputing and AI computing centres"], None, None, ""),
    "V18": ("Guizhou Provincial Government", 2023, HORIZON_END, "yearly", True, ["Guizhou compute services"], None, None, "year not shown in source; 2023 from context (estimate)"),
    "V19": ("Shandong Provincial Government", 2025, HORIZON_END, "pool", True, [], None, None, "programme total: one pool"),
    "V20": ("Ningbo Municipal Government", 2025, HORIZON_END, "none", False, [], None, None, "named without parameters"),
    "V21": ("Government of China", 2024, HORIZON_END, "none", False, [], None, None, "aggregate of at least 17 cities (FT): the typical voucher value"),
    "V22": ("National Development and Reform Commission", 2024, HORIZON_END, "none", False, [], None, None, "national guidance, no budget"),
    "V23": ("Guizhou Provincial Government", 2025, HORIZON_END, "none", False, [], None, None, "electricity subsidy, not a compute voucher"),
    "V24": ("Beijing Municipal Government", 2024, HORIZON_END, "none", False, [], None, None, "capex subsidy for domestic GPUs"),
}

# Control id -> machine form. kinds: threshold (US ECCN 3A090 test),
# licence_required / licence_granted (chip-specific US rules), prc_block
# (PRC import/use gate, factor = share of demand still allowed), info (no
# effect on chip imports in this model).
CONTROLS = {
    "E01": dict(actor="US Department of Commerce", effective="2022-08-26", kind="licence_required", chips=["A100", "H100"],
                note="letters of late August 2022; 26 Aug is the date Nvidia reported receiving the notice"),
    "E02": dict(actor="Bureau of Industry and Security", effective="2022-10-07", kind="threshold", tpp_min=4800, interconnect_min=600),
    "E03": dict(actor="Bureau of Industry and Security", effective="2023-10-23", kind="threshold", tpp_min=4800, alt_tpp_min=1600, pd_min=5.92,
                supersedes=["E02"], note="datacenter requirement effective immediately on 23 Oct 2023 (effect column)"),
    "E04": dict(actor="Bureau of Industry and Security", effective="2024-04-01", kind="info", note="systems clarification; H20 not affected"),
    "E05": dict(actor="Bureau of Industry and Security", effective="2024-12-31", kind="hbm", note="HBM licence requirement, compliance by 31 Dec 2024: the HBM stock bound starts here"),
    "E06": dict(actor="Bureau of Industry and Security", effective="2025-01-13", kind="info", note="AI diffusion rule, rescinded before it took effect (E08)"),
    "E07": dict(actor="Government of the United States", effective="2025-04-09", kind="licence_required", chips=["H20", "MI308"]),
    "E08": dict(actor="Bureau of Industry and Security", effective="2025-05-13", kind="info", note="guidance against using Ascend chips; no effect on imports to China"),
    "E09": dict(actor="Government of the United States", effective="2025-08-11", kind="licence_granted", chips=["H20", "MI308"], fee=0.15),
    "E10": dict(actor="Cyberspace Administration of China", effective="2025-07-31", kind="prc_block", chips=["H20"], factor_param="prc_h20_factor"),
    "E11": dict(actor="Cyberspace Administration of China", effective="2025-09-17", kind="prc_block", chips=["RTX Pro 6000D"], factor=0.0),
    "E12": dict(actor="Government of China", effective="2025-11-05", kind="prc_block", chips=["*foreign"],
                factor_param="prc_state_funded_share", factor_is_complement=True,
                note="foreign chips barred from state-funded centres: the state-funded share of demand is lost"),
    "E13": dict(actor="Government of the United States", effective="2025-12-08", kind="info", fee=0.25,
                note="announcement; the licence policy took effect with E14 (fee from E13)"),
    "E14": dict(actor="Bureau of Industry and Security", effective="2026-01-15", kind="licence_granted", chips=["H200"], fee=0.25, volume_cap=0.5,
                note="fee 25% from E13; volume cap 50% of US shipments (not binding in the model: US volume not modelled)"),
    "E15": dict(actor="Government of China", effective="2026-01-13", kind="prc_block", chips=["H200"], factor_param="prc_h200_factor",
                note="customs block, then conditional approvals (28-30 Jan 2026)"),
}

# Chip id -> (model key, launch date for China-market availability,
# dies per package, HBM stacks per package, notes). Dates and package
# figures are curated from the chip rows and flows named.
CHIPS = {
    "C01": ("A100", "2020-05-14", 1, 5, "launch 2020"),
    "C02": ("A800", "2022-11-01", 1, 5, "sold legally from Nov 2022 (status_in_china)"),
    "C03": ("H100", "2022-10-01", 1, 5, ""),
    "C04": ("H800", "2023-03-01", 1, 5, "sold legally from Mar 2023 (status_in_china)"),
    "C05": ("H20", "2024-01-01", 1, 6, "legal 2024 (status_in_china)"),
    "C06": ("H200", "2024-01-01", 1, 6, ""),
    "C07": ("B200", "2025-01-01", 2, 8, ""),
    "C08": ("RTX Pro 6000D", "2025-07-01", 1, 0, "specs not collected"),
    "C09": ("MI308", "2024-01-01", 1, 0, "specs not collected"),
    "C10": ("Ascend 910B", "2022-01-01", 1, 4, "64 GB HBM2e = 4 stacks (estimate)"),
    "C11": ("Ascend 910C", "2025-04-01", 2, 8, "two 910B-class dies; ~8 HBM stacks per 910C (F12, derived); volume from ~May 2025"),
    "C12": ("Ascend 950", "2026-01-01", 1, 0, "roadmap"),
    "C13": ("MLU290", "2021-01-01", 1, 4, ""),
    "C14": ("MLU590", "2023-01-01", 1, 0, ""),
}

# Providers: the domain data names them only in programmes' redeemable_for.
PROVIDERS = [
    # display, kind, city, price_factor, source rows, estimate, note
    ("National Supercomputing Center Chengdu", "state_run", "Chengdu", 1.0, "V01; K19", False, "1000 PFLOPS supercomputing (K19), mostly not AI accelerators"),
    ("Chengdu Intelligent Computing Center", "state_run", "Chengdu", 1.0, "V01; K19", False, "300 PFLOPS intelligent compute (K19)"),
    ("Beijing compute partners", "commercial", "Beijing", 0.55, "V03; P07", False, "priced at 50-60% of market before the voucher (P07)"),
    ("Shanghai compute scheduling platform", "state_run", "Shanghai", 1.0, "V06; V09; K21", False, "municipal platform managing ~20,000 P (K21)"),
    ("Hangzhou intelligent computing centres", "state_run", "Hangzhou", 1.0, "V10", False, "city-planned intelligent computing centres"),
    ("Hangzhou matchmaking partners", "commercial", "Hangzhou", 1.0, "V10", False, ""),
    ("Shenzhen compute rental market", "commercial", "Shenzhen", 1.0, "V13; V14; V15", True, "programmes name no provider list"),
    ("Henan supercomputing and AI computing centres", "state_run", "Zhengzhou", 1.0, "V17; K24", False, ">=100 PFLOPS AI centres and >=1000-rack data centres"),
    ("Guizhou compute services", "state_run", "Guiyang", 1.0, "V18", False, ""),
]

# What providers run. No source gives fleets of named centres (known gap);
# these are assumptions sized from the capacity facts named, kept as
# estimates. units = PFLOPS x 1000 / chip TFLOPS where a PFLOPS figure exists.
OPERATES = [
    # provider, chip, units, since, source rows, note
    ("Chengdu Intelligent Computing Center", "Ascend 910B", 937, "2023-01-01", "K19; C10", "300 PFLOPS / 320 TFLOPS; chip assumed"),
    ("Beijing compute partners", "A800", 2000, "2023-01-01", "V03; C02", "assumed mix"),
    ("Beijing compute partners", "H800", 2000, "2023-06-01", "V03; C04", "assumed mix"),
    ("Beijing compute partners", "H20", 4000, "2024-06-01", "V03; C05", "assumed mix"),
    ("Beijing compute partners", "Ascend 910B", 2000, "2024-01-01", "V03; C10", "assumed mix"),
    ("Shanghai compute scheduling platform", "Ascend 910C", 12500, "2025-06-01", "K21; C11", "half of 20,000 P on 910C (assumed)"),
    ("Shanghai compute scheduling platform", "H20", 67000, "2024-06-01", "K21; C05", "half of 20,000 P on H20 (assumed)"),
    ("Hangzhou intelligent computing centres", "Ascend 910B", 5000, "2024-01-01", "V10; K20; C10", "domestic compute (assumed)"),
    ("Hangzhou matchmaking partners", "H20", 8000, "2024-06-01", "V10; C05", "assumed"),
    ("Shenzhen compute rental market", "H800", 4000, "2023-06-01", "V13; C04", "assumed"),
    ("Shenzhen compute rental market", "H100", 2000, "2024-01-01", "V13; F16; C03", "grey-market H100 (F16 claims >100k in China)"),
    ("Henan supercomputing and AI computing centres", "Ascend 910B", 3000, "2024-01-01", "V17; C10", "assumed"),
    ("Guizhou compute services", "Ascend 910B", 3000, "2024-01-01", "V18; V23; C10", "domestic-chip preference (V18 notes)"),
    ("Guizhou compute services", "H20", 3000, "2024-06-01", "V18; C05", "assumed"),
]

# Scenario defaults. Each: key -> (value, unit, source rows, estimate, note).
PARAMETERS = {
    "utilisation": (0.30, "fraction", "K12", True, "average utilisation of intelligent-computing centres, 2024"),
    "service_life_years": (5.0, "years", "brief", True, "no source; brief assumes 4-6 years"),
    "die_bank": (2000000, "dies", "F11", True, "TSMC-made Ascend dies, low end (2.0-2.9M); available from 2024"),
    "die_bank_from": ("2024-01-01", "date", "F11", True, "dies obtained 2023-2024"),
    "smic_dies_per_year": (800000, "dies per year", "F10", True, "half of the 1.6M Ascend dies planned for 2026"),
    "domestic_yield": (0.75, "fraction", "brief", True, "no source: good packages per die pair"),
    "hbm_stock": (13000000, "HBM stacks", "F12", True, "stacks in China when HBM controls took effect (E05)"),
    "hbm_domestic_per_year": (0, "HBM stacks per year", "F10", True, "CXMT ramp not sourced: off by default"),
    "fee_elasticity": (1.0, "unitless", "brief", True, "legal units scale by (1 + fee)^-elasticity"),
    "prc_h20_factor": (0.25, "fraction", "E10; F05; F20", True, "share of H20 demand surviving the PRC chill"),
    "prc_state_funded_share": (0.5, "fraction", "E12; K18", True, "share of foreign-chip demand from state-funded centres"),
    "prc_h200_factor": (0.5, "fraction", "E15; F18", True, "conditional approvals after the customs block"),
    "price_cny_per_gpu_hour": (12.84, "CNY per H100 GPU-hour", "P02", False,
                               "8x H100 server at 75k CNY/month; default is the price path (schedules.price_path), a number replaces it"),
    "peak_price_cny_per_gpu_hour": (30.82, "CNY per H100 GPU-hour", "P01", False,
                                    "not a scenario key: the price path's level to 2024-03-31 (8x H100 at 180k CNY/month)"),
    "firms": (50, "firms per programme", "brief", True, "no take-up figures found (known gap)"),
    "demand_gpu_hours_per_firm": (117000, "H100 GPU-hours per firm per year", "V21; P02", True,
                                  "midpoint of the 78k-156k GPU-hours a typical 1-2M CNY voucher buys"),
    "default_share": (0.20, "fraction", "V03; V17", True, "typical 10-30%; used where a programme states none"),
    "default_cap_cny": (2000000, "CNY per firm per year", "V21", True, "typical voucher value, high end"),
    "typical_voucher_cny": (1500000, "CNY", "V21", False, "USD 140k-280k at 7.2 = 1.0-2.0M CNY; midpoint"),
    "cny_per_usd": (7.2, "CNY per USD", "meta", True, "assumed exchange rate"),
}

SCHEDULES = {
    # Legal-channel demand by chip and year (units per year). Gated by the
    # controls each day; zero before launch.
    "legal_demand": {
        "A100": {"source": "F20", "estimate": True, "note": "pre-control demand; Nvidia held ~95% of the market in 2022", "years": {"2022": 200000}},
        "A800": {"source": "C02; F02", "estimate": True, "note": "assumed; Nvidia China revenue USD 10.3bn in FY to Jan 2024", "years": {"2022": 200000, "2023": 200000}},
        "H800": {"source": "C04; F02", "estimate": True, "note": "assumed", "years": {"2023": 200000}},
        "H20": {"source": "F01; F03", "estimate": True, "note": ">1M in 2024; ~1M accumulated by early 2025",
                "years": {"2024": 1000000, "2025": 1000000, "2026": 1000000, "2027": 1000000}},
        "H200": {"source": "F18", "estimate": True, "note": "400k+ conditionally approved, Jan 2026", "years": {"2026": 400000, "2027": 400000}},
    },
    "smuggling": {"source": "F14; F13", "estimate": True, "note": "2023 median 12.5k (F14); 2024 median 140k (F13), held after",
                  "years": {"2023": 12500, "2024": 140000, "2025": 140000, "2026": 140000, "2027": 140000}},
    "smuggling_mix": {"source": "F13; F15; F16", "estimate": True, "note": "A100/H100 early, H100 in 2024 (F16), B200/H200 racks from 2025 (F15)",
                      "years": {"2022": {"A100": 0.5, "H100": 0.5}, "2023": {"A100": 0.5, "H100": 0.5}, "2024": {"H100": 1.0},
                                "2025": {"H100": 0.3, "H200": 0.2, "B200": 0.5}, "2026": {"H100": 0.3, "H200": 0.2, "B200": 0.5},
                                "2027": {"H100": 0.3, "H200": 0.2, "B200": 0.5}}},
    "domestic_capacity": {"source": "F07; F09; F10", "estimate": True,
                          "note": "packaging capacity: 2024 within 200-550k (F07), 2025 within 200-805k (F09), 2026 600k (F10); 2022-23 and 2027 assumed",
                          "years": {"2022": 50000, "2023": 100000, "2024": 400000, "2025": 500000, "2026": 600000, "2027": 600000}},
    # Domestic product by date (first day it is the one produced).
    "domestic_product": {"source": "C10; C11", "estimate": True, "note": "910C volume shipments from ~May 2025",
                         "from": {"2022-01-01": "Ascend 910B", "2025-04-01": "Ascend 910C"}},
    # H100 GPU-hour rental price path (CNY), linear between points.
    "price_path": {"source": "P01; P03; P02", "estimate": False, "note": "peak to early 2024, falling through 2024, glut price from 2025",
                   "points": {"2022-01-01": 30.82, "2024-03-31": 30.82, "2025-01-01": 12.84, "2027-12-31": 12.84}},
}


def pct(v):
    return None if v is None else v / 100.0


def build(domain):
    out = {}
    raw = json.dumps(domain, sort_keys=True, ensure_ascii=False).encode()
    out["meta"] = {
        "generated_by": "examples/compute_vouchers/convert.py",
        "domain_sha256": hashlib.sha256(raw).hexdigest(),
        "domain_title": domain["meta"]["title"],
        "hours_per_year": domain["model_structure"]["unit_conversions"]["hours_per_year"],
        "cny_per_usd": domain["meta"]["conventions"]["cny_per_usd_assumed"],
    }
    actors = {}
    for display, kind, level, country in ACTORS:
        actors[display] = {"name": norm(display), "display": display, "kind": kind, "level": level, "country": country,
                           "source": "curated from issuers in the domain rows", "estimate": False}
    issuers = {}
    programs = []
    for v in domain["voucher_programs"]:
        actor, first, last, reset, simulate, providers, share, dom_share, note = PROGRAMS[v["id"]]
        issuers.setdefault(actor, []).append(v["issuer"])
        s = pct(v["cost_share_max_pct"]) if share is None else share
        ds = s if dom_share is None else dom_share
        budget = v["total_budget_cny"]
        per_year = None
        if budget is not None:
            if v["id"] == "V11":
                per_year = budget / 4.0
            elif reset == "yearly":
                per_year = float(budget)
        programs.append({
            "id": v["id"], "actor": norm(actor), "issuer": v["issuer"], "level_text": v["issuer_level"],
            "instrument": v["instrument_type"], "name": v["name"], "year": v["year"], "first_year": first,
            "last_year": last, "budget_cny": budget, "budget_basis": v["budget_basis"], "budget_reset": reset,
            "budget_cny_per_year": per_year, "cap_cny": v["per_company_cap_cny"], "cap_basis": v["per_company_cap_basis"],
            "share": s, "domestic_share": ds, "share_notes": v["cost_share_notes"], "eligibility": v["eligibility"],
            "redeemable_for": v["redeemable_for"], "simulate": simulate, "providers": [norm(p) for p in providers],
            "curation_note": note, "notes": v["notes"], "source": v["source"], "other_sources": v["other_sources"],
            "estimate": bool(v["estimate"]) or "estimate" in note,
        })
    chips = []
    by_model = {}
    for c in domain["chip_models"]:
        key, launch, dies, stacks, note = CHIPS[c["id"]]
        foreign = not c["origin"].startswith("China")
        rec = {
            "id": c["id"], "name": norm(key), "display": key, "model": c["model"], "vendor": c["vendor"],
            "origin": "foreign" if foreign else "domestic", "origin_text": c["origin"],
            "tflops_fp16": c["dense_fp16_tflops"], "memory_gb": c["memory_gb"], "interconnect_gb_s": c["interconnect_gb_s"],
            "die_area_mm2": c["die_area_mm2"], "price_usd": c["unit_price_usd"], "tpp": c["tpp_derived"],
            "pd": c["performance_density_derived"], "launch": launch, "dies_per_package": dies, "hbm_stacks": stacks,
            "status_in_china": c["status_in_china"], "restricted_since": c["restricted_since"], "curation_note": note,
            "source": c["source"], "other_sources": c["other_sources"], "estimate": bool(c["estimate"]),
        }
        chips.append(rec)
        by_model[key] = rec
    controls = []
    for e in domain["export_controls"]:
        cur = dict(CONTROLS[e["id"]])
        actor = cur.pop("actor")
        issuers.setdefault(actor, []).append(e["issuer"])
        th = e["thresholds"] or {}
        rec = {
            "id": e["id"], "actor": norm(actor), "issuer": e["issuer"], "direction": "prc" if e["direction"].startswith("PRC") else "us",
            "date": e["date"], "effective": cur.pop("effective"), "kind": cur.pop("kind"), "rule": e["instrument"],
            "covers": e["covers"], "effect": e["effect"],
            "tpp_min": th.get("tpp_min"), "interconnect_min": th.get("interconnect_gb_s_min"),
            "alt_tpp_min": th.get("alt_tpp_min"), "pd_min": th.get("alt_performance_density_min"),
            "fee": pct(th.get("revenue_share_pct")), "volume_cap": pct(th.get("china_volume_cap_pct_of_us_volume")),
            "chips": [], "supersedes": cur.pop("supersedes", []), "factor": cur.pop("factor", None),
            "factor_param": cur.pop("factor_param", None), "factor_is_complement": cur.pop("factor_is_complement", False),
            "curation_note": cur.pop("note", ""), "source": e["source"], "other_sources": e["other_sources"],
            "estimate": bool(e["estimate"]),
        }
        for c in cur.pop("chips", []):
            rec["chips"].append("*foreign" if c == "*foreign" else norm(c))
        if "fee" in cur:
            rec["fee"] = cur.pop("fee")
        if "volume_cap" in cur:
            rec["volume_cap"] = cur.pop("volume_cap")
        # The curated thresholds must agree with the domain row.
        for k in ("tpp_min", "interconnect_min", "alt_tpp_min", "pd_min"):
            if k in cur:
                assert cur.pop(k) == rec[k], (e["id"], k)
        assert not cur, (e["id"], cur)
        controls.append(rec)
    providers = []
    for display, kind, city, factor, src, est, note in PROVIDERS:
        providers.append({"name": norm(display), "display": display, "kind": kind, "city": city, "price_factor": factor,
                          "source": src, "estimate": est, "note": note})
    pnames = {p["name"] for p in providers}
    operates = []
    for prov, chip, units, since, src, note in OPERATES:
        assert norm(prov) in pnames, prov
        assert chip in by_model, chip
        operates.append({"provider": norm(prov), "chip": norm(chip), "units": units, "since": since,
                         "source": src, "estimate": True, "note": note})
    for p in programs:
        for prov in p["providers"]:
            assert prov in pnames, (p["id"], prov)
    for a, names in issuers.items():
        actors[a]["issuer_texts"] = sorted(set(names))
    out["actors"] = [actors[a] for a, *_ in ACTORS]
    out["programs"] = programs
    out["controls"] = controls
    out["chips"] = chips
    out["providers"] = providers
    out["operates"] = operates
    out["parameters"] = [{"key": k, "value": v[0], "unit": v[1], "source": v[2], "estimate": v[3], "note": v[4]}
                         for k, v in PARAMETERS.items()]
    sched = json.loads(json.dumps(SCHEDULES))
    for chip in list(sched["legal_demand"]):
        assert chip in by_model, chip
    out["schedules"] = sched
    return out


def render(model):
    return json.dumps(model, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--domain", default=DEFAULT_DOMAIN)
    ap.add_argument("--out", default=os.path.join(HERE, "model.json"))
    ap.add_argument("--check", action="store_true", help="exit 1 if --out is not what the domain file gives")
    args = ap.parse_args()
    with open(args.domain, encoding="utf-8") as f:
        text = render(build(json.load(f)))
    if args.check:
        try:
            with open(args.out, encoding="utf-8") as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        if not same:
            print(f"{args.out} is stale: run {sys.argv[0]}", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
