"""Embedders: determinism, similar-closer-than-dissimilar, save/load, streaming Parquet corpus."""

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pacslabel.text.clean import Cleaner, clean_table
from pacslabel.text.config import CleanConfig
from pacslabel.text.corpus import ParquetCorpus, in_fraction
from pacslabel.text.embedders import ReportEmbedder, load_embedder, make_embedder, save_embedder
from pacslabel.text.evaluation import compare_embedders, intra_cluster_cosine_distance


def _words(text):
    return text.split()


TOPICS = {
    "chest": _words("pluća plućima plućni parenhim infiltrat infiltrata srce srca sinusi hilusi ošit izljev"),
    "knee": _words("koljeno koljena koljenu meniskus meniskusa ligament ligamenta patela tibije hrskavica"),
    "head": _words("mozak mozga glava glave ventrikuli moždani krvarenje infarkt infarkta mediosagitalne"),
}


def corpus(n_per_topic=30, seed=0, words=10):
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for name, vocab in TOPICS.items():
        for _ in range(n_per_topic):
            texts.append(" ".join(rng.choice(vocab, words)))
            labels.append(name)
    cleaner = Cleaner(CleanConfig())
    return [cleaner(t)[0] for t in texts], np.array(labels)


D2V = {"vector_size": 16, "epochs": 40, "sample": 0.0, "min_count": 2, "seed": 3}
# PV-DM's inferred vectors need many more inference epochs than PV-DBOW's on a corpus this small.
PARAMS = {
    "bow": {"min_count": 2},
    "tfidf": {"min_count": 2},
    "pv_dm": {**D2V, "infer_epochs": 300},
    "pv_dbow": D2V,
}


def _mean_cos(x, labels):
    u = x / np.linalg.norm(x, axis=1, keepdims=True)
    s = u @ u.T
    same = labels[:, None] == labels[None, :]
    off = ~np.eye(len(x), dtype=bool)
    return s[same & off].mean(), s[~same].mean()


@pytest.mark.parametrize("name", ["bow", "tfidf", "pv_dbow", "pv_dm"])
def test_similar_reports_closer_than_dissimilar(name):
    docs, labels = corpus()
    x = make_embedder(name, **PARAMS[name]).fit(docs).transform(docs)
    assert x.dtype == np.float32 and x.shape[0] == len(docs)
    within, between = _mean_cos(x, labels)
    assert within > between + 0.02, (within, between)
    # the same on held-out reports embedded with a model fitted without them
    emb = make_embedder(name, **PARAMS[name]).fit(docs)
    new_docs, new_labels = corpus(n_per_topic=5, seed=99)
    y = emb.transform(new_docs)
    assert _mean_cos(y, new_labels)[0] > _mean_cos(y, new_labels)[1]


@pytest.mark.parametrize("name", ["pv_dbow", "pv_dm"])
def test_doc2vec_deterministic_with_seed_and_one_worker(name):
    docs, _ = corpus(n_per_topic=15)
    a = make_embedder(name, **D2V, workers=1).fit(docs)
    b = make_embedder(name, **D2V, workers=1).fit(docs)
    xa = a.transform(docs)
    np.testing.assert_array_equal(xa, b.transform(docs))
    # inference does not depend on batch composition or call order
    np.testing.assert_array_equal(a.transform(docs[::-1])[::-1], xa)
    np.testing.assert_array_equal(a.transform(docs[5:6])[0], xa[5])
    c = make_embedder(name, **{**D2V, "seed": 4}, workers=1).fit(docs)
    assert not np.array_equal(c.transform(docs), xa)


@pytest.mark.parametrize(
    ("name", "extra"),
    [("bow", {}), ("tfidf", {}), ("tfidf", {"svd_components": 4}), ("pv_dbow", {}), ("pv_dm", {})],
)
def test_save_load_round_trip_identical(tmp_path, name, extra):
    docs, _ = corpus(n_per_topic=10)
    emb = make_embedder(name, **PARAMS[name], **extra).fit(docs)
    x = emb.transform(docs)
    emb.save(tmp_path / "m")
    back = ReportEmbedder.load(tmp_path / "m")
    assert type(back) is type(emb) and back.get_params() == emb.get_params() and back.dim == emb.dim
    np.testing.assert_array_equal(back.transform(docs), x)
    save_embedder(emb, f"file://{tmp_path}/uri")
    np.testing.assert_array_equal(load_embedder(f"file://{tmp_path}/uri").transform(docs), x)
    if extra.get("svd_components"):
        assert x.shape[1] == 4


def test_vocabulary_threshold_in_embedders():
    docs = [["a", "b", "c"], ["a", "b"], ["a", "d"], ["a", "b", "e", "e"]] * 1
    bow = make_embedder("bow", min_count=2).fit(docs)
    assert bow.vocabulary_ == {"a": 0, "b": 1, "e": 2}
    np.testing.assert_array_equal(bow.transform([["e", "e", "a", "zz"]]), [[1, 0, 2]])
    d2v = make_embedder("pv_dbow", vector_size=4, epochs=1, min_count=2, sample=0.0).fit(docs)
    assert set(d2v.model_.wv.key_to_index) == {"a", "b", "e"}
    np.testing.assert_array_equal(d2v.n_known_words([["a", "c", "zz"], ["c"]]), [1, 0])
    tfidf = make_embedder("tfidf", min_count=1).fit(docs)
    # smoothed idf: ln((1+n)/(1+df)) + 1 with n=4
    assert tfidf.idf_[tfidf.vocabulary_["a"]] == pytest.approx(1.0)
    assert tfidf.idf_[tfidf.vocabulary_["c"]] == pytest.approx(np.log(5 / 2) + 1)
    np.testing.assert_allclose(np.linalg.norm(tfidf.transform(docs), axis=1), 1.0, rtol=1e-6)
    with pytest.raises(ValueError, match="min_count"):
        make_embedder("bow", min_count=10).fit(docs)


def test_parquet_corpus_streams_kept_rows_restartably(tmp_path):
    texts = [
        "Pluća bez infiltrata, srce uredno.",
        None,
        "kratko",
        "Prijelom koljena s izljevom u zglobu.",
    ] * 3
    keys = [f"acc{i:03d}" for i in range(len(texts))]
    table = clean_table(pa.table({"accession_key": keys, "text": texts}), CleanConfig())
    (tmp_path / "tok").mkdir()
    pq.write_table(table.slice(0, 5), tmp_path / "tok" / "part-0.parquet")
    pq.write_table(table.slice(5), tmp_path / "tok" / "part-1.parquet")
    corp = ParquetCorpus(str(tmp_path / "tok"), batch_size=2)
    first = list(corp)
    assert [d.tags for d in first] == [[i] for i in range(6)]
    assert first == list(corp)  # restartable, same order and tags
    assert len(corp) == 6
    assert [k for k, _ in ParquetCorpus(str(tmp_path / "tok"), with_keys=True)] == [
        k for k, t in zip(keys, texts, strict=True) if t and len(t) >= 20
    ]
    half = [k for k, _ in ParquetCorpus(str(tmp_path / "tok"), with_keys=True, fraction=0.5)]
    assert half == [k for k, t in zip(keys, texts, strict=True) if t and len(t) >= 20 and in_fraction(k, 0.5)]
    assert len(list(ParquetCorpus(str(tmp_path / "tok"), limit=4))) == 4
    # doc2vec trains from the stream
    emb = make_embedder("pv_dbow", vector_size=4, epochs=2, min_count=1).fit(corp)
    assert emb.train_stats_["documents"] == 6


def test_intra_cluster_cosine_distance_matches_pairwise():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 5))
    labels = rng.integers(0, 4, 30)
    labels[0] = 9  # a singleton cluster is left out
    expected = []
    for c in np.unique(labels):
        m = x[labels == c]
        if len(m) < 2:
            continue
        u = m / np.linalg.norm(m, axis=1, keepdims=True)
        s = u @ u.T
        expected.append(np.mean(1 - s[~np.eye(len(m), dtype=bool)]))
    assert intra_cluster_cosine_distance(x, labels) == pytest.approx(np.mean(expected))
    assert intra_cluster_cosine_distance(np.ones((4, 3)), np.zeros(4)) == pytest.approx(0.0)


def test_compare_embedders_table():
    docs, labels = corpus(n_per_topic=12)
    region = labels
    modality = np.where(labels == "chest", "CR", "MR")
    emb = {n: make_embedder(n, **PARAMS[n]) for n in ("bow", "tfidf", "pv_dbow")}
    table = compare_embedders(docs, modality, region, emb, k=3, seed=0)
    assert sorted(table["embedder"]) == ["bow", "pv_dbow", "tfidf"]
    assert list(table["score"]) == sorted(table["score"], reverse=True)
    assert {"nmi_modality", "hs_region", "intra_cosine_distance", "dim"} <= set(table.columns)
    assert table["nmi_region"].max() > 0.8  # three well-separated topics
