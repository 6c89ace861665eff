"""The needs page's long lists are written from Python (network/templatetags/network_tables.py): the markup of the
template loops they replace, every value escaped."""

from django.template import Context, Template

from network.disclosure import Figure


def test_declined_rows_are_the_loops_markup_escaped():
    rows = [
        {"province": "Nusa <Tenggara> & Timur", "service": 'Shelter "safe"', "figure": Figure(None)},
        {"province": "Bali", "service": "Legal aid", "figure": Figure(12)},
    ]
    loop = Template(
        '{% for row in rows %}<tr><td>{{ row.province }}</td><td>{{ row.service }}</td><td class="text-end">'
        "{{ row.figure }}</td></tr>{% endfor %}"
    )
    ours = Template("{% load network_tables %}{% declined_rows rows %}").render(Context({"rows": rows}))
    assert ours == loop.render(Context({"rows": rows}))
    assert "&lt;Tenggara&gt; &amp; Timur" in ours and "&lt;11" in ours and "<Tenggara>" not in ours


def test_list_items_are_the_loops_markup_escaped():
    values = ["BNBF-2026-0001", "<script>alert(1)</script>", "O'Brien & co"]
    loop = Template("{% for value in values %}<li>{{ value }}</li>{% endfor %}")
    ours = Template("{% load network_tables %}{% list_items values %}").render(Context({"values": values}))
    assert ours == loop.render(Context({"values": values}))
    assert "<script>" not in ours
