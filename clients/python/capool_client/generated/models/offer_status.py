from typing import Literal

OfferStatus = Literal["active", "withdrawn"]

OFFER_STATUS_VALUES: set[OfferStatus] = {
    "active",
    "withdrawn",
}


def check_offer_status(value: str) -> OfferStatus:
    if value in OFFER_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OFFER_STATUS_VALUES!r}")
