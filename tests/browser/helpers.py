from __future__ import annotations

from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.models import Authenticator as TOTPDevice
from tests.factories import PASSWORD


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(page, user, *, second_factor: bool = False) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Nama pengguna atau email").fill(user.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    if second_factor:
        page.wait_for_url("**/accounts/two-factor/verify/**")
        page.get_by_label("Kode").fill(current_code(user))
        page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_load_state()


def open_menu(page) -> None:
    """On a phone-sized screen the navigation is folded behind the menu button."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        page.locator("#nav-main.show").wait_for()


def sign_out(page) -> None:
    open_menu(page)
    page.locator("#user-menu").click()
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/accounts/sign-in/**")


def step(page, title: str) -> None:
    """The intake and edit forms show one section at a time: open the step by its title."""
    page.locator("[data-steps]").get_by_role("button", name=title).click()
    expect(page.locator("fieldset[data-step]:visible > legend")).to_have_text(title)
