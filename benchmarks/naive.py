"""The naive baseline: enrichment written the way most scripts are, one paper at a time.

Per paper: one Semantic Scholar lookup by id or title search (the `semanticscholar` package),
one arXiv query (requests), and for its repository PyGithub's get_repo plus one commits call.
Run it against the local fake only: `python -m benchmarks.naive LIST` with the fake's environment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import requests
from github import Auth, Github, GithubException
from semanticscholar import SemanticScholar

from pipeline.listfile.identifiers import paper_ids, repo_ref
from pipeline.store.listio import read_list


def main(list_path: str) -> int:
    document = read_list(Path(list_path))
    s2 = SemanticScholar(api_url=os.environ["S2_API_URL"], retry=False)
    token = os.environ.get("GITHUB_TOKEN")
    # PyGithub's default 0.25 s between requests and its retries only change the time, not the
    # number of calls counted here; they are turned off so the benchmark finishes.
    github = Github(
        base_url=os.environ["GITHUB_API_URL"],
        auth=Auth.Token(token) if token else None,
        seconds_between_requests=None,
        retry=None,
    )
    arxiv_url = os.environ["ARXIV_API_URL"]
    for entry in document.entries:
        ids = paper_ids(entry.paper_url) if entry.paper_url else None
        try:
            if ids and ids.arxiv_id:
                s2.get_paper(f"ARXIV:{ids.arxiv_id}")
            elif ids and ids.doi:
                s2.get_paper(f"DOI:{ids.doi}")
            else:
                s2.search_paper(entry.title, match_title=True)
        except Exception:  # noqa: S110 - the baseline ignores failures, as scripts do
            pass
        query = (
            {"id_list": ids.arxiv_id}
            if ids and ids.arxiv_id
            else {"search_query": f'ti:"{entry.title}"'}
        )
        requests.get(arxiv_url, params=query, timeout=30)
        for url in entry.code_urls:
            ref = repo_ref(url)
            if ref.github is None:
                continue
            try:
                repo = github.get_repo(ref.github)
                repo.get_commits()[0]
            except (GithubException, IndexError):
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
