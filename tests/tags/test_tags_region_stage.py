"""The region stage end to end on local Ray: a tags table of identifier and text columns only, whose
descriptions are protocol codes no rule reads, or words a rule reads otherwise than this archive's
BodyPartExamined; BodyPartExamined is present in some studies only."""

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pacslabel.config import dump_config, load_config
from pacslabel.runroot import MODELS, REGION_MODEL, TAG_PREPROCESSOR
from pacslabel.tags.batches import RegionLabeller
from pacslabel.tags.config import TagsConfig
from pacslabel.tags.learned_region import RegionTextModel

# region -> (modality, BodyPartExamined where present, the two protocol codes of its series)
ARCHIVE = {
    "CHEST": ("CT", "CHEST", ["0,OPA,GE,HSP", "PORT 1V AP"]),
    "KNEE": ("MR", "KNEE", ["KN3 PD FSE", "KN3 T1 COR"]),
    "ABDOMEN": ("CT", "ABDOMEN", ["3PH LIV ART", "3PH LIV VEN"]),
    "HEAD": ("MR", "BRAIN", ["AX T2 FRFSE", "NRO DWI B1K"]),
    "LSPINE": ("MR", "L-SPINE", ["LS4 SAG T2", "LS4 AX T2"]),
    # the rules read "lung" as CHEST; this archive's BodyPartExamined says HEART in every such study
    "HEART": ("CT", "HEART", ["LUNG TRA B30f", "LUNG 3D MIP"]),
}
COLUMNS = [
    "sop_instance_uid",
    "study_instance_uid",
    "series_instance_uid",
    "modality",
    "body_part_examined",
    "study_description",
    "series_description",
    "protocol_name",
    "requested_procedure_description",
]


def make_archive(n_studies: int, seed: int, prefix: str, bpe_share: float = 0.6) -> pd.DataFrame:
    """Studies of one region each: two coded series and a SCOUT series every region has, two
    instances per series; BodyPartExamined on all series of ``bpe_share`` of the studies."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(n_studies):
        region = list(ARCHIVE)[s % len(ARCHIVE)]
        modality, bpe, codes = ARCHIVE[region]
        has_bpe = rng.random() < bpe_share
        for k, protocol in enumerate([*codes, "SCOUT"]):
            for i in range(2):
                rows.append(
                    {
                        "sop_instance_uid": f"{prefix}.{s}.{k}.{i}",
                        "study_instance_uid": f"{prefix}.{s}",
                        "series_instance_uid": f"{prefix}.{s}.{k}",
                        "modality": modality,
                        "body_part_examined": bpe if has_bpe else None,
                        "study_description": None,
                        "series_description": f"{k + 1}" if rng.random() < 0.5 else None,
                        "protocol_name": protocol,
                        "requested_procedure_description": None,
                        "truth": region,
                    }
                )
    # single-series studies whose text the archive has never seen: nothing to go by
    for s in range(4):
        rows.append(
            {
                **dict.fromkeys(COLUMNS),
                "sop_instance_uid": f"{prefix}.u{s}",
                "study_instance_uid": f"{prefix}.u{s}",
                "series_instance_uid": f"{prefix}.u{s}.0",
                "modality": "CT",
                "protocol_name": f"QZX WVU JJK {s}",
                "truth": None,
            }
        )
    return pd.DataFrame(rows)


def _write(rr, df, name):
    path = rr.makedirs("tags")
    pq.write_table(pa.Table.from_pandas(df[COLUMNS], preserve_index=False), f"{path}/{name}.parquet")


@pytest.fixture(scope="module")
def job(ray_local, tmp_path_factory):
    from jobs.tags import main
    from pacslabel.runroot import RunRoot

    rr = RunRoot(tmp_path_factory.mktemp("regions") / "run")
    df = make_archive(200, seed=5, prefix="1.2.9")
    _write(rr, df, "part-0")
    argv = [
        f"run_root={rr.uri}",
        "features.enabled=false",
        "constraints.enabled=false",
        "regions.measure_fraction=0.2",
        "batch_size=256",
        "workers=1",
        "ray.progress_bars=false",
    ]
    summary = main(argv)
    keys = ["sop_instance_uid", "study_instance_uid", "series_instance_uid", "modality"]
    regions = pd.read_parquet(rr.path("regions")).merge(df, on=keys)
    return rr, df, summary, regions, argv


def test_learned_fills_codes_the_rules_cannot_read(job):
    rr, _, summary, regions, _ = job
    meta = rr.read_json(MODELS, REGION_MODEL, "meta.json")
    assert summary["regions"]["learned"]["model"] == "fitted" and meta["threshold"] >= 0.5
    no_bpe = regions[regions["body_part_examined"].isna() & regions["truth"].notna()]
    coded = no_bpe[no_bpe["protocol_name"] != "SCOUT"]
    assert len(coded) > 100
    assert (coded["rule_id"] == "learned").all() and (coded["source"] == "learned").all()
    assert (coded["region"] == coded["truth"]).all()
    assert (coded["probability"] >= meta["threshold"]).all()
    assert regions.loc[regions["rule_id"] != "learned", "probability"].isna().all()
    # rows with BodyPartExamined keep it
    with_bpe = regions[regions["body_part_examined"].notna()]
    assert (with_bpe["source"] == "bpe").all() and (with_bpe["region"] == with_bpe["truth"]).all()


def test_a_reading_the_archive_contradicts_is_overruled(job):
    rr, _, summary, regions, _ = job
    (overruled,) = summary["regions"]["learned"]["rule_overrides"]
    assert (overruled["modality"], overruled["rule_id"], overruled["term"]) == ("CT", "chest_en", "lung")
    assert overruled["bpe_region"] == "HEART" and overruled["disagree"] == overruled["rows"]
    assert overruled["studies"] >= 3
    assert rr.read_json(MODELS, REGION_MODEL, "meta.json")["rule_overrides"] == [["CT", "chest_en", "lung"]]
    # rows without BodyPartExamined: the rules no longer read CHEST, the model learned HEART
    heart = regions[regions["body_part_examined"].isna() & (regions["truth"] == "HEART")]
    coded = heart[heart["protocol_name"] != "SCOUT"]
    assert len(coded) > 10 and (coded["region"] == "HEART").all() and (coded["source"] == "learned").all()
    assert (heart["region"] == "HEART").all()


def test_unseen_text_stays_open(job):
    _, _, _, regions, _ = job
    unseen = regions[regions["protocol_name"].str.startswith("QZX", na=False)]
    assert len(unseen) == 4 and unseen["region"].isna().all() and unseen["rule_id"].isna().all()


def test_study_consistency(job):
    _, _, summary, regions, _ = job
    # SCOUT is in every region's studies: the model stays below its threshold, the study decides
    scout = regions[regions["body_part_examined"].isna() & (regions["protocol_name"] == "SCOUT")]
    assert len(scout) > 50
    assert (scout["rule_id"] == "study").all() and (scout["region"] == scout["truth"]).all()
    assert summary["regions"]["studies_filled"] == scout["study_instance_uid"].nunique()


def test_summary_measures_hidden_bpe_and_sources(job):
    rr, _, summary, regions, _ = job
    hidden = summary["regions"]["hidden_bpe"]["by_modality"]
    assert set(hidden) >= {"CT", "MR", "ALL"}
    overall = hidden["ALL"]
    assert overall["n"] > 30
    assert overall["rules"]["coverage"] == 0.0  # the rules cannot read the codes
    assert overall["rules_model"]["coverage"] == pytest.approx(2 / 3, abs=0.01)
    assert overall["rules_model"]["accuracy"] == 1.0
    assert overall["rules_model_study"]["coverage"] == 1.0
    assert overall["rules_model_study"]["accuracy"] == 1.0
    by_region = summary["regions"]["by_region"]
    assert set(by_region) == set(ARCHIVE)
    counts = regions[regions["region"].notna()].groupby(["region", "source"]).size()
    for region, sources in by_region.items():
        assert sources["learned"] > 0 and sources["study"] > 0 and sources["bpe"] > 0
        assert sources == {s: int(counts.get((region, s), 0)) for s in ("bpe", "rules", "learned", "study")}
    assert summary["regions"]["learned"]["contradicted_rows"] == 0  # the overruled reading included
    profile = pd.read_parquet(rr.path("tag_profile", "profile.parquet")).set_index("column")
    assert json.loads(profile.loc["region", "region_sources"]) == by_region
    assert not rr.exists("_work", "regions")


def test_frozen_model_same_predictions(job):
    rr, df, _, regions, _ = job
    model = RegionTextModel.from_bytes(rr.read_bytes(MODELS, REGION_MODEL, "model.pkl"))
    again = RegionTextModel.from_bytes(model.to_bytes())
    pd.testing.assert_frame_equal(model.predict(df), again.predict(df))
    # the saved model, loaded again, gives every learned row of regions/ its region and probability
    mine = RegionLabeller(run_root=rr.uri).explain(df).set_index(df["sop_instance_uid"])
    learned = regions[regions["rule_id"] == "learned"].set_index("sop_instance_uid")
    assert (mine.loc[learned.index, "source"] == "learned").all()
    assert (mine.loc[learned.index, "region"] == learned["region"]).all()
    np.testing.assert_allclose(mine.loc[learned.index, "probability"], learned["probability"], rtol=1e-6)


@pytest.mark.parametrize("inline_max_rows", [20_000, 0], ids=["driver", "ray"])
def test_relabel_applies_the_saved_model(job, inline_max_rows):
    from pacslabel.relabel.run import Increments, RelabelConfig
    from pacslabel.tags.run import new_tag_rows

    rr, _, _, _, argv = job
    # relabel reads the rules and study setting from the preprocessor's saved config
    rr.write_text(dump_config(load_config(TagsConfig, None, argv)), MODELS, TAG_PREPROCESSOR, "config.yaml")
    prefix = f"1.2.{10 + bool(inline_max_rows)}"
    new = make_archive(20, seed=9, prefix=prefix, bpe_share=0.0)
    _write(rr, new, f"part-{prefix}")
    # features/tags/ already holds every row: only regions/ has an increment
    rr.makedirs("features", "tags")
    uids = pa.array(pd.read_parquet(rr.path("tags"))["sop_instance_uid"].tolist())
    pq.write_table(pa.table({"sop_instance_uid": uids}), rr.path("features", "tags", "part-0.parquet"))
    before = pq.read_table(rr.path("regions")).num_rows
    cfg = RelabelConfig(input="unused", run_root=rr.uri, inline_max_rows=inline_max_rows)
    assert new_tag_rows(Increments(cfg, rr)) == {"regions": len(new), "features": 0}
    regions = pd.read_parquet(rr.path("regions"))
    assert len(regions) == before + len(new)
    added = regions.merge(new, on="sop_instance_uid")
    coded = added[added["truth"].notna() & (added["protocol_name"] != "SCOUT")]
    assert (coded["rule_id"] == "learned").all() and (coded["region"] == coded["truth"]).all()
    scout = added[added["protocol_name"] == "SCOUT"]
    assert (scout["rule_id"] == "study").all() and (scout["region"] == scout["truth"]).all()
    assert added.loc[added["truth"].isna(), "region"].isna().all()
