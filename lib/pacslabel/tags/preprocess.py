"""Tag imputation and encoding: categorical codes, MissForest-style or simple imputation, one-hot for
categoricals, min-max for continuous columns. Fit on a sample, apply to every row.

MissForest is approximated with scikit-learn's ``IterativeImputer`` over a random-forest / extra-trees
regressor (one estimator type for all columns): categorical columns are imputed as integer codes,
then rounded and clipped to valid codes. ``imputer="simple"`` fills medians (continuous) and most
frequent codes (categorical) instead: fast, no model.

With ``presence_indicators``, every column missing somewhere in the fit sample also gives a 0 / 1 feature
``present:<column>``: in DICOM, absence is information (InversionTime only in inversion-recovery series,
ContrastBolusAgent only in contrast series) that imputation alone would erase.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from pacslabel.tags.pickled import Pickled
from pacslabel.tags.profile import blank_mask
from pacslabel.tags.schema import norm_category

log = logging.getLogger(__name__)


class TagPreprocessor(Pickled):
    """DataFrame of tag columns -> float32 feature matrix (scikit-learn contract, explicit save / load).

    Parameters are plain attributes; learned state ends in ``_``: ``categories_`` (column -> ordered
    values), ``imputer_`` (fitted IterativeImputer, or None for "simple"), ``fill_`` (simple fill
    values), ``min_`` / ``range_`` (continuous scaling), ``indicator_columns_``, ``feature_names_``.
    """

    indicator_columns_: tuple[str, ...] = ()  # models saved before presence indicators have none

    def __init__(
        self,
        numeric: Sequence[str] = (),
        categorical: Sequence[str] = (),
        imputer: Literal["forest", "simple"] = "forest",
        estimator: Literal["extratrees", "randomforest"] = "extratrees",
        n_estimators: int = 16,
        max_depth: int | None = 10,
        max_iter: int = 5,
        max_categories: int = 50,
        clip: bool = True,
        presence_indicators: bool = False,
        random_state: int = 1,
        n_jobs: int = 1,
    ):
        self.numeric = list(numeric)
        self.categorical = list(categorical)
        self.imputer = imputer
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.max_iter = max_iter
        self.max_categories = max_categories
        self.clip = clip
        self.presence_indicators = presence_indicators
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- encoding helpers -------------------------------------------------------------------------
    def _codes(self, df: pd.DataFrame) -> np.ndarray:
        """(n, p) float64: numeric values, then categorical codes; NaN missing (unknown values too)."""
        n = len(df)
        cols = []
        for col in self.numeric:
            if col in df.columns:
                cols.append(
                    pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
                )
            else:
                cols.append(np.full(n, np.nan))
        for col in self.categorical:
            lookup = self._lookup_[col]
            out = np.full(n, np.nan)
            if col in df.columns:
                for i, v in enumerate(df[col].tolist()):
                    code = lookup.get(norm_category(v))
                    if code is not None:
                        out[i] = code
            cols.append(out)
        return np.column_stack(cols) if cols else np.empty((n, 0))

    @staticmethod
    def _present(df: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
        """(n, len(columns)) bool: the tag has a value in that row (unknown categories count as present)."""
        out = np.zeros((len(df), len(columns)), dtype=bool)
        for k, col in enumerate(columns):
            if col in df.columns:
                out[:, k] = ~blank_mask(df[col])
        return out

    def _build_imputer(self):
        from sklearn.experimental import enable_iterative_imputer  # noqa: F401
        from sklearn.impute import IterativeImputer

        if self.estimator == "extratrees":
            from sklearn.ensemble import ExtraTreesRegressor as Forest
        else:
            from sklearn.ensemble import RandomForestRegressor as Forest
        forest = Forest(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            min_samples_leaf=2,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
        )
        return IterativeImputer(
            estimator=forest,
            max_iter=self.max_iter,
            initial_strategy="median",
            random_state=self.random_state,
            keep_empty_features=True,
        )

    def _impute(self, z: np.ndarray) -> np.ndarray:
        if z.shape[1] == 0:
            return z
        if self.imputer_ is not None and np.isnan(z).any():
            z = self.imputer_.transform(z)
        else:
            z = np.where(np.isnan(z), self.fill_[None, :], z)
        p_num = len(self.numeric)
        if self.categorical:
            codes = np.rint(z[:, p_num:])
            z = z.copy()
            z[:, p_num:] = np.clip(codes, 0, np.maximum(self.n_categories_ - 1, 0))
        return z

    # -- scikit-learn contract ------------------------------------------------------------------------
    def fit(self, df: pd.DataFrame, y=None) -> TagPreprocessor:
        self.categories_: dict[str, list[str]] = {}
        for col in self.categorical:
            values = df[col].tolist() if col in df.columns else []
            counts = pd.Series(
                [v for v in map(norm_category, values) if v is not None], dtype=object
            ).value_counts()
            top = counts.head(self.max_categories)
            self.categories_[col] = sorted(str(v) for v in top.index)
        self._lookup_ = {c: {v: i for i, v in enumerate(vals)} for c, vals in self.categories_.items()}
        self.n_categories_ = np.array([len(self.categories_[c]) for c in self.categorical], dtype=np.int64)
        z = self._codes(df)
        p_num = len(self.numeric)
        fill = np.zeros(z.shape[1])
        with np.errstate(all="ignore"):
            for k in range(z.shape[1]):
                col = z[:, k]
                col = col[~np.isnan(col)]
                if col.size == 0:
                    continue
                if k < p_num:
                    fill[k] = float(np.median(col))
                else:
                    fill[k] = float(np.bincount(col.astype(np.int64)).argmax())
        self.fill_ = fill
        self.imputer_ = None
        if self.imputer == "forest" and z.shape[1] > 0 and np.isnan(z).any():
            from sklearn.exceptions import ConvergenceWarning

            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                self.imputer_ = self._build_imputer().fit(z)
            if any(issubclass(w.category, ConvergenceWarning) for w in caught):
                log.info("iterative imputation stopped at max_iter=%d before its tolerance", self.max_iter)
        zi = self._impute(z)
        num = zi[:, :p_num]
        if num.shape[0]:
            self.min_ = num.min(axis=0) if p_num else np.zeros(0)
            self.range_ = (num.max(axis=0) - self.min_) if p_num else np.zeros(0)
        else:
            self.min_, self.range_ = np.zeros(p_num), np.zeros(p_num)
        columns = [*self.numeric, *self.categorical]
        present = self._present(df, columns)
        self.indicator_columns_ = tuple(
            col for k, col in enumerate(columns) if self.presence_indicators and not present[:, k].all()
        )
        self.feature_names_ = [
            *self.numeric,
            *(f"{col}={value}" for col in self.categorical for value in self.categories_[col]),
            *(f"present:{col}" for col in self.indicator_columns_),
        ]
        self.n_features_out_ = len(self.feature_names_)
        return self

    def transform(self, df: pd.DataFrame) -> np.ndarray:
        """(n, n_features_out_) float32 in [0, 1] (continuous clipped when ``clip``)."""
        zi = self._impute(self._codes(df))
        p_num = len(self.numeric)
        num = zi[:, :p_num]
        safe = np.where(self.range_ > 0, self.range_, 1.0)
        num = np.where(self.range_ > 0, (num - self.min_) / safe, 0.0)
        if self.clip:
            num = np.clip(num, 0.0, 1.0)
        blocks = [num]
        for k in range(len(self.categorical)):
            width = int(self.n_categories_[k])
            onehot = np.zeros((zi.shape[0], width))
            if width:
                onehot[np.arange(zi.shape[0]), zi[:, p_num + k].astype(np.int64)] = 1.0
            blocks.append(onehot)
        if self.indicator_columns_:
            blocks.append(self._present(df, self.indicator_columns_).astype(np.float64))
        return np.hstack(blocks).astype(np.float32) if blocks else np.empty((len(df), 0), np.float32)

    def fit_transform(self, df: pd.DataFrame, y=None) -> np.ndarray:
        return self.fit(df).transform(df)

    def get_feature_names_out(self) -> np.ndarray:
        return np.asarray(self.feature_names_, dtype=object)

    # -- persistence -------------------------------------------------------------------------------
    def meta(self) -> dict:
        return {
            "format": self.FORMAT_VERSION,
            "numeric": self.numeric,
            "categorical": self.categorical,
            "imputer": self.imputer,
            "presence_indicators": list(self.indicator_columns_),
            "feature_names": self.feature_names_,
            "n_features": self.n_features_out_,
        }

    def save(self, directory: str | Path) -> Path:
        """Write ``preprocessor.pkl`` and ``meta.json`` (feature names, columns) into ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "preprocessor.pkl").write_bytes(self.to_bytes())
        (directory / "meta.json").write_text(json.dumps(self.meta(), indent=2) + "\n")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> TagPreprocessor:
        return cls.from_bytes((Path(directory) / "preprocessor.pkl").read_bytes())
