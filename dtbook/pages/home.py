"""The front page: what the book is and where to enter."""

from __future__ import annotations

from ..citation import source_report
from ..output import Markdown, md
from .common import BASE_DOC, doc_link, edition_line


def home_intro(ds) -> Markdown:
    report = source_report(ds)
    text = (
        f"本出版物以{md(report['author'])}《{md(report['title'])}》（{md(report['date'])}）为底本，"
        "把报告中的事实整理为可核查的数据，再由可执行的笔记本生成本书的每一页；"
        "数据更新后，一条命令即可重建网站与 PDF。"
    )
    return Markdown(text) + edition_line(ds)


def base_directory(ds) -> Markdown:
    rows = [
        f"{i}. {doc_link(name, BASE_DOC.format(base_id))}（{md(city)}）"
        for i, (base_id, name, city) in enumerate(
            ds.bases.sort_values("order")[["base_id", "name", "city"]].itertuples(index=False), start=1
        )
    ]
    return Markdown("\n".join(rows))


def pdf_link() -> Markdown:
    return Markdown('```{raw} html\n<p class="dt-pdf"><a href="../pdf/book.pdf" download>下载本书 PDF 版</a></p>\n```')
