"""One FAISS thread for the many tiny k-means fits of the ablation (threads only contend on 2 busy cores)."""

import pytest


@pytest.fixture(autouse=True)
def one_faiss_thread():
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    yield
    faiss.omp_set_num_threads(before)
