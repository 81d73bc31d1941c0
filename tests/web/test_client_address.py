from aiohttp.test_utils import make_mocked_request

from bot.web.client_address import client_address


class _Transport:
    def __init__(self, peer):
        self.peer = peer

    def get_extra_info(self, name, default=None):
        return (self.peer, 1234) if name == "peername" else default


def _request(peer, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return make_mocked_request("GET", "/", headers=headers, transport=_Transport(peer))


def test_a_local_proxy_says_who_the_client_was():
    assert client_address(_request("127.0.0.1", "203.0.113.9, 198.51.100.7")) == "198.51.100.7"


def test_a_direct_client_cannot_choose_its_address():
    assert client_address(_request("198.51.100.20", "10.0.0.1")) == "198.51.100.20"
    assert client_address(_request("127.0.0.1")) == "127.0.0.1"
