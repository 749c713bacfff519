package org.gner.report;

/** The report page's inline style sheet and table-sorting script. */
final class ReportStyle {
    private ReportStyle() {}

    static final String CSS = """
            .charts { display: flex; flex-wrap: wrap; gap: 12px; }
            figure.reliability { margin: 0; display: flex; gap: 4px; }
            body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; margin: 0;
                   background: #f6f7f9; }
            header { background: #23374d; color: #fff; padding: 18px 32px 10px; }
            header h1 { margin: 0; font-size: 22px; }
            header p { margin: 4px 0 8px; color: #cfd8e3; }
            nav a { color: #fff; margin-right: 18px; text-decoration: none; font-size: 13px; opacity: .85; }
            nav a:hover { text-decoration: underline; }
            main { max-width: 1220px; margin: 0 auto; padding: 8px 24px 40px; }
            section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 8px 20px 16px;
                      margin: 18px 0; }
            h2 { font-size: 18px; margin: 10px 0 6px; color: #23374d; }
            h3 { font-size: 15px; margin: 18px 0 6px; }
            .note { color: #555; font-size: 13px; margin: 4px 0 10px; }
            .warning { background: #fff4d6; border-left: 4px solid #e0a800; padding: 6px 10px; }
            .verdict { background: #eef5ee; border-left: 4px solid #2e8540; padding: 6px 10px; font-weight: 600; }
            table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
            th, td { padding: 3px 9px; border-bottom: 1px solid #e6e8eb; text-align: left; }
            th { background: #f0f2f5; font-weight: 600; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
            th.run { text-align: center; }
            tr.total td { border-top: 2px solid #999; font-weight: 600; }
            tr.better td.delta, span.better { color: #2e8540; }
            tr.worse td.delta, span.worse { color: #c0392b; }
            tr.better td:last-child { color: #2e8540; font-weight: 600; }
            tr.worse td:last-child { color: #c0392b; font-weight: 600; }
            td.flag { background: #fff1e0; }
            td.path { color: #777; font-size: 12px; word-break: break-all; }
            .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
            .tag { font-size: 11px; background: #e4e8ee; border-radius: 3px; padding: 0 5px; }
            .figure { overflow-x: auto; }
            .figure svg { max-width: 100%; height: auto; }
            table.sortable th { cursor: pointer; }
            table.sortable th:hover { background: #e2e6ec; }
            .example { border: 1px solid #e6e8eb; border-radius: 4px; padding: 6px 10px; margin: 8px 0; }
            .exhead { font-size: 12px; color: #777; margin-bottom: 4px; }
            .tokens { display: flex; flex-wrap: wrap; gap: 2px 3px; }
            .tok { display: inline-flex; flex-direction: column; border: 1px solid #eceef1; border-radius: 3px;
                   padding: 1px 4px; font-size: 12px; }
            .tok .w { font-weight: 600; font-size: 13px; }
            .tok .g { color: #1f5f99; }
            .tok .p { color: #333; padding-left: 2px; }
            .tok .bad { background: #fbd5d0; color: #a01d0e; }
            .tok .o, span.o { color: #bbb; }
            .tok.legend { background: #f3f4f6; color: #666; font-style: italic; }
            .tok.legend .w { font-weight: normal; }
            ul.errors { margin: 6px 0 2px; padding-left: 18px; font-size: 12px; color: #444; }
            q { font-weight: 600; }
            code { background: #f0f2f5; padding: 0 3px; border-radius: 3px; }
            """;

    static final String SORT_SCRIPT = """
            document.querySelectorAll('table.sortable').forEach(function (table) {
              table.querySelectorAll('thead th').forEach(function (th, column) {
                th.addEventListener('click', function () {
                  var body = table.tBodies[0];
                  var rows = Array.prototype.slice.call(body.rows);
                  var text = th.dataset.type === 'text';
                  var descending = th.dataset.order !== 'desc';
                  th.dataset.order = descending ? 'desc' : 'asc';
                  rows.sort(function (a, b) {
                    var x = a.cells[column], y = b.cells[column];
                    var cmp = text ? x.textContent.localeCompare(y.textContent)
                                   : parseFloat(x.dataset.sort) - parseFloat(y.dataset.sort);
                    return descending ? -cmp : cmp;
                  });
                  rows.forEach(function (row) { body.appendChild(row); });
                });
              });
            });
            """;
}
