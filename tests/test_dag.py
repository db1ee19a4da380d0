"""The pipeline's graph, read by DVC from the real dvc.yaml without running it: what a training
stage's new outputs rerun. With the tiny copy's `dvc status` checks (a params key makes exactly its
training stage stale, tests/test_pipeline_e2e.py) this is what a key's `dvc repro` reruns; one
real rerun there (vae.beta) shows DVC following it."""
from pathlib import Path

import networkx as nx
import pytest
import yaml
from dvc.repo import Repo

ROOT = Path(__file__).resolve().parents[1]
PER_MODEL = ("embed", "evaluate_accuracy", "evaluate_fid", "dbscan_votemi")
MODELS = yaml.safe_load((ROOT / "dvc.yaml").read_text())["vars"][0]["models"]
TRAINING = {"vae": "train_vae", "vae_wide": "train_vae_wide", "exon": "train_exon", "biinfogan": "train_biinfogan",
            "iin": "train_iin"}


@pytest.fixture(scope="module")
def downstream():
    graph = Repo(str(ROOT)).index.graph  # an edge goes from a stage to a stage it reads
    stages = {stage.addressing: stage for stage in graph.nodes}
    return lambda name: {stage.addressing for stage in nx.ancestors(graph, stages[name])}


@pytest.mark.parametrize("model", sorted(TRAINING))
def test_a_models_training_reruns_only_its_own_stages_and_plots(downstream, model):
    assert set(TRAINING) == set(MODELS)  # a new model: add its training stage above
    # EXoN's own model is the beta path's first point (its codes and its FID)
    beta_path = {"path_latent_recon"} if model == "exon" else set()
    assert downstream(TRAINING[model]) == {f"{stage}@{model}" for stage in PER_MODEL} | {"plots"} | beta_path


def test_the_autoencoders_rerun_their_flows_and_the_classifier_every_judge(downstream):
    assert downstream("train_iin_ae") == downstream("train_iin") | {"train_iin"}
    assert downstream("train_diin_ae") == {"train_diin", "evaluate_diin", "plots"}  # plots: the summary
    betas = yaml.safe_load((ROOT / "params.yaml").read_text())["path_latent_recon"]["betas"]
    assert downstream("train_classifier") == ({"train_exon", "evaluate_diin"} | downstream("train_exon")
                                              | {f"evaluate_fid@{model}" for model in MODELS}
                                              | {f"exon_beta@{beta}" for beta in betas})  # each point's FID
