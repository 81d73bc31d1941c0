import pytest

from bot.core.checking.links import find_links


@pytest.mark.parametrize("text,host", [
    ("Betala här: https://postnord-se.delivery-track.com/abc.", "postnord-se.delivery-track.com"),
    ("Spåra: bit.ly/3xDhL7q", "bit.ly"),
    ("Skriv till oss på wa.me/46701234567", "wa.me"),
    ("Läs mer på nordea.se.", "nordea.se"),
    ("(se www.1177.se)", "1177.se"),
    ("Betala tullen: postnord-tull.top/x", "postnord-tull.top"),
    ("Öppna http://185.23.1.4/login", "185.23.1.4"),
    ("Jobba hemifrån: https://t.me/jobb_handledare", "t.me"),
    ("Rea! butik-stangning-rea.store", "butik-stangning-rea.store"),
])
def test_finds_links_with_and_without_a_scheme(text, host):
    assert [link.host for link in find_links(text)] == [host]


def test_every_top_level_domain_of_the_root_zone_counts_not_only_a_short_list():
    # .lol, .cyou and .bond are used by scam sites and were missing from both old lists
    hosts = {link.host for link in find_links("paket-info.lol/a, leverans.cyou och tull-avgift.bond")}
    assert hosts == {"paket-info.lol", "leverans.cyou", "tull-avgift.bond"}


@pytest.mark.parametrize("text", [
    "Mvh.Budbee", "kl.15.30", "t.o.m. 12/3", "t.ex. bl.a. fr.o.m. o.s.v. p.g.a.", "ca.10 min",
    "Bifogat: faktura.pdf och bild.jpg", "Maila anna@kramfors.se", "SMS:a 123.45 kr", "www.", "http://",
])
def test_abbreviations_file_names_amounts_and_e_mail_are_not_links(text):
    assert find_links(text) == ()


def test_hosts_in_other_scripts_are_seen_as_dns_sees_them():
    (link,) = find_links("Logga in: https://pöstnord.se/x")
    assert link.host == "pöstnord.se" and link.ascii_host == "xn--pstnord-90a.se"
    assert link.is_idn and not link.is_ip
    (link,) = find_links("https://xn--pstnord-90a.se/x")
    assert link.host == "pöstnord.se" and link.is_idn


def test_subdomains_of_a_real_domain_are_under_it_and_look_alikes_are_not():
    real, fake = find_links("https://tracking.postnord.se/x och https://postnord.se.paket-hjalp.com/y")
    assert real.is_under(("postnord.se",)) and real.tld == "se"
    assert not fake.is_under(("postnord.se",))


@pytest.mark.parametrize("text", [
    "", "🙂" * 2000, "<a href='http://x.top'>x</a>" * 300, "a." * 2048, "www." * 1000,
    "http://" + "a" * 4090, "\ud800 www.a.se \udfff", "http://[::1]:99999/x", "שלום עולם http://" * 200,
    "x" * 100_000,
])
def test_hostile_text_never_raises(text):
    assert isinstance(find_links(text), tuple)
