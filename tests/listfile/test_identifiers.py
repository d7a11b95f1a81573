from __future__ import annotations

import pytest

from pipeline.listfile.identifiers import normalise_title, paper_ids, parse_arxiv_id, repo_ref


@pytest.mark.parametrize(
    ("url", "arxiv_id", "version"),
    [
        ("https://arxiv.org/abs/2403.13225", "2403.13225", None),
        ("https://arxiv.org/pdf/2305.08491v6", "2305.08491", 6),
        ("https://arxiv.org/pdf/2103.00020.pdf", "2103.00020", None),
        ("http://export.arxiv.org/abs/2104.12255v1", "2104.12255", 1),
        ("https://arxiv.org/html/2404.08195v1", "2404.08195", 1),
        ("https://www.arxiv.org/abs/0808.05394", "0808.05394", None),
        ("https://arxiv.org/abs/cs/0601001", "cs/0601001", None),
        ("https://arxiv.org/pdf/astro-ph/0601001v2", "astro-ph/0601001", 2),
        ("https://arxiv.org/abs/math.GT/0309136", "math.GT/0309136", None),
        ("https://huggingface.co/papers/2304.02643", "2304.02643", None),
        ("https://doi.org/10.48550/arXiv.2304.02643", "2304.02643", None),
    ],
)
def test_arxiv_ids(url: str, arxiv_id: str, version: int | None) -> None:
    ids = paper_ids(url)
    assert (ids.arxiv_id, ids.arxiv_version) == (arxiv_id, version)
    assert ids.key == f"arxiv:{arxiv_id}"


def test_not_an_arxiv_id() -> None:
    assert paper_ids("https://arxiv.org/abs/not-an-id").arxiv_id is None
    assert parse_arxiv_id("abc") is None
    assert parse_arxiv_id("arXiv:1706.03762v7") == ("1706.03762", 7)


@pytest.mark.parametrize(
    ("url", "doi"),
    [
        ("https://doi.org/10.1109/TMI.2019.2959609", "10.1109/tmi.2019.2959609"),
        ("http://dx.doi.org/10.1007/s11263-024-02224-2", "10.1007/s11263-024-02224-2"),
        (
            "https://link.springer.com/article/10.1007/s11263-024-02224-2",
            "10.1007/s11263-024-02224-2",
        ),
        (
            "https://link.springer.com/chapter/10.1007/978-3-319-24574-4_28",
            "10.1007/978-3-319-24574-4_28",
        ),
        (
            "https://link.springer.com/content/pdf/10.1007/s11263-024-02224-2.pdf",
            "10.1007/s11263-024-02224-2",
        ),
        ("https://dl.acm.org/doi/10.1145/3503161.3547834", "10.1145/3503161.3547834"),
        ("https://dl.acm.org/doi/abs/10.1145/3503161.3547834", "10.1145/3503161.3547834"),
        ("https://dl.acm.org/doi/pdf/10.1145/3503161.3547834", "10.1145/3503161.3547834"),
        ("https://onlinelibrary.wiley.com/doi/full/10.1002/mp.14676", "10.1002/mp.14676"),
        ("https://www.cjig.cn/article/doi/10.11834/jig.210001", "10.11834/jig.210001"),
        ("https://example.org/x?doi=10.1234%2Fabc.5", "10.1234/abc.5"),
    ],
)
def test_dois(url: str, doi: str) -> None:
    ids = paper_ids(url)
    assert ids.doi == doi
    assert ids.key == f"doi:{doi}"


@pytest.mark.parametrize(
    ("url", "number"),
    [
        ("https://ieeexplore.ieee.org/document/9756329", "9756329"),
        ("https://ieeexplore.ieee.org/abstract/document/10485473/", "10485473"),
        ("https://ieeexplore.ieee.org/document/10104136/", "10104136"),
        ("https://ieeexplore.ieee.org/stamp/stamp.jsp?tp=&arnumber=7913730", "7913730"),
        ("https://ieeexplore.ieee.org/iel7/83/10373916/10367821.pdf", "10367821"),
    ],
)
def test_ieee_document_numbers(url: str, number: str) -> None:
    assert paper_ids(url).ieee_document == number


def test_openreview_and_cvf() -> None:
    assert paper_ids("https://openreview.net/forum?id=qipYQAcvVG").openreview_id == "qipYQAcvVG"
    assert paper_ids("https://openreview.net/pdf?id=qipYQAcvVG").key == "openreview:qipYQAcvVG"
    cvf = paper_ids(
        "https://openaccess.thecvf.com//content/CVPR2024/papers/Yoon_Class_CVPR_2024_paper.pdf"
    )
    assert (
        cvf.cvf_url
        == "https://openaccess.thecvf.com/content/CVPR2024/papers/Yoon_Class_CVPR_2024_paper.pdf"
    )
    html = paper_ids(
        "https://openaccess.thecvf.com/content/CVPR2024/html/Yoon_Class_CVPR_2024_paper.html"
    )
    assert html.key == cvf.key


@pytest.mark.parametrize(
    "url",
    [
        "https://ojs.aaai.org/index.php/AAAI/article/view/28584",
        "https://mftp.mmcheng.net/Papers/21TIP_LayerCAM.pdf",
        "https://proceedings.neurips.cc/paper/2020/file/07211688a0869d995947a8fb11b215d6-Paper.pdf",
        "https://www.ijcai.org/proceedings/2023/0171.pdf",
    ],
)
def test_other_proceedings_pages_stay_plain_urls(url: str) -> None:
    ids = paper_ids(url)
    assert (ids.arxiv_id, ids.doi, ids.ieee_document, ids.openreview_id, ids.cvf_url) == (None,) * 5
    assert ids.url == url
    assert ids.key.startswith("url:")


def test_plain_url_key_ignores_scheme_www_slashes_and_case_of_host() -> None:
    assert (
        paper_ids("https://www.IJCAI.org//proceedings/2023/0171.pdf/").key
        == paper_ids("http://ijcai.org/proceedings/2023/0171.pdf").key
    )


@pytest.mark.parametrize(
    ("url", "github"),
    [
        ("https://github.com/hustvl/WeakCLIP", "hustvl/WeakCLIP"),
        ("https://github.com/rulixiang/vwe/tree/master/v2", "rulixiang/vwe"),
        ("https://www.github.com/IDEA-Research/MaskDINO.git", "IDEA-Research/MaskDINO"),
        ("http://github.com/fwu11/mcc/", "fwu11/mcc"),
        (
            "https://github.com/Rongtao-Xu/RepresentationLearning/tree/main/WaveCAM-TMM2023",
            "Rongtao-Xu/RepresentationLearning",
        ),
        ("https://github.com/a/b#readme", "a/b"),
        ("https://github.com/a/b?tab=readme", "a/b"),
    ],
)
def test_github_repos(url: str, github: str) -> None:
    ref = repo_ref(url)
    assert ref.github == github
    assert not ref.not_github
    assert ref.key == github.casefold()


@pytest.mark.parametrize(
    "url",
    [
        "https://anonymous.4open.science/r/ASDT-75D3",
        "https://mmcheng.net/oaa/",
        "https://gitlab.com/example/attention-unet",
        "https://github.com/xulianuwa",
        "https://github.com/topics/segmentation",
        "https://gist.github.com/a/1234",
        "https://user.github.io/project",
    ],
)
def test_not_github(url: str) -> None:
    ref = repo_ref(url)
    assert ref.not_github
    assert ref.github is None


def test_repo_keys_compare_case_insensitively() -> None:
    assert (
        repo_ref("https://github.com/rongtao-xu/representationlearning").key
        == repo_ref(
            "https://github.com/Rongtao-Xu/RepresentationLearning/tree/main/WaveCAM-TMM2023"
        ).key
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Frozen CLIP: A Strong Backbone", "frozen clip - a strong backbone"),
        ("Réseaux médicaux", "Reseaux medicaux"),
        ("DINO is Also a Semantic Guider:Exploiting", "DINO is also a semantic guider: exploiting"),
        ("Self_Supervised", "self supervised"),
    ],
)
def test_normalise_title_folds_case_accents_and_punctuation(first: str, second: str) -> None:
    assert normalise_title(first) == normalise_title(second)


def test_normalise_title_keeps_non_latin_words() -> None:
    assert normalise_title("基于深度学习: 综述") == "基于深度学习 综述"
