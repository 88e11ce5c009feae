"""Images of more than 8 bits per channel are rescaled by their range, never clipped: a
16-bit or float copy of an image decodes to the 8-bit original and the shipped model scores
it the same (issue 16: a 16-bit copy of a Crack image used to score 0.73 "Fray")."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from inspection import store
from inspection.runtime import ImageError, decode_image, load_inspector, rescale_to_uint8
from tests.inspection.conftest import needs_dataset, sample_image


def encoded(array: np.ndarray, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt)
    return buffer.getvalue()


def png_rgb48(rgb16: np.ndarray) -> bytes:
    """A 16-bit-per-channel RGB PNG written by hand (Pillow cannot write one)."""
    height, width, _ = rgb16.shape
    raw = b"".join(b"\x00" + rgb16[y].astype(">u2").tobytes() for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


GRADIENT = np.tile(np.arange(256, dtype=np.uint8), (8, 1))  # every 8-bit value once per row


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_a_16_bit_copy_decodes_to_the_8_bit_original(fmt: str) -> None:
    wide = GRADIENT.astype(np.uint16) * 257  # 255 -> 65535: the usual 8 -> 16 bit widening
    assert Image.open(io.BytesIO(encoded(wide, fmt))).mode.startswith("I;16")
    np.testing.assert_array_equal(decode_image(encoded(wide, fmt), mode="L"), GRADIENT)
    rgb = decode_image(encoded(wide, fmt), mode="RGB")
    assert rgb.shape == (8, 256, 3) and (rgb == GRADIENT[:, :, None]).all()


def test_a_16_bit_image_is_not_clipped() -> None:
    # Pillow's convert("L") clips: every value above 255 became white. Here a value of
    # 32768 (half scale) is mid-grey, 1000 stays dark, 65535 is white.
    wide = np.array([[0, 1000, 32768, 65535]], dtype=np.uint16)
    assert decode_image(encoded(wide, "PNG"), mode="L").tolist() == [[0, 4, 128, 255]]  # v * 255 / 65535, rounded


def test_a_48_bit_rgb_png_decodes_to_its_8_bit_values() -> None:
    rgb8 = np.stack([GRADIENT, GRADIENT[:, ::-1], np.full_like(GRADIENT, 77)], axis=2)
    decoded = decode_image(png_rgb48(rgb8.astype(np.uint16) * 257), mode="RGB")
    assert np.abs(decoded.astype(int) - rgb8).max() <= 1


def test_float_images_in_zero_one_are_intensities_others_min_max() -> None:
    unit = GRADIENT.astype(np.float32) / 255.0
    np.testing.assert_array_equal(decode_image(encoded(unit, "TIFF"), mode="L"), GRADIENT)
    # Another range (here a radiometric 100..1120): min-max over the image.
    kelvin = 100.0 + GRADIENT.astype(np.float32) * 4.0
    np.testing.assert_array_equal(decode_image(encoded(kelvin, "TIFF"), mode="L"), GRADIENT)


def test_rescale_rules_by_hand() -> None:
    assert rescale_to_uint8(np.array([[0, 65535]]), "I").tolist() == [[0, 255]]
    assert rescale_to_uint8(np.array([[-5, 5]]), "I").tolist() == [[0, 255]]  # outside 16 bits: min-max
    assert rescale_to_uint8(np.array([[3.0, 3.0]]), "F").tolist() == [[0, 0]]  # no contrast
    assert rescale_to_uint8(np.array([[0.5, 0.25]]), "F").tolist() == [[128, 64]]
    with pytest.raises(ImageError, match="NaN"):
        rescale_to_uint8(np.array([[np.nan, 1.0]]), "F")
    with pytest.raises(ImageError, match="NaN"):
        decode_image(encoded(np.array([[np.inf, 0.5]], dtype=np.float32), "TIFF"))


CRACK = "data/mt/MT_Crack/Imgs/exp1_num_249594.jpg"


@needs_dataset
@pytest.mark.parametrize("entry", [CRACK, "data/mt/MT_Free/Imgs/exp1_num_106729.jpg", "data/mt/MT_Uneven/Imgs/exp6_num_270255.jpg"])
def test_wide_copies_of_a_benchmark_image_score_as_the_original(entry: str) -> None:
    original = decode_image(sample_image(entry), mode="L")
    inspector = load_inspector(store.builtin_model_bytes(), store.builtin_card())
    reference = inspector.inspect(original)
    copies = {
        "16-bit PNG": encoded(original.astype(np.uint16) * 257, "PNG"),
        "16-bit TIFF": encoded(original.astype(np.uint16) * 257, "TIFF"),
        "float TIFF": encoded(original.astype(np.float32) / 255.0, "TIFF"),
    }
    for name, data in copies.items():
        result = inspector.inspect(decode_image(data))
        assert abs(result.score - reference.score) <= 1e-3, (name, result.score, reference.score)
        assert [d.label for d in result.detections] == [d.label for d in reference.detections], name
    if entry == CRACK:
        assert [d.label for d in reference.detections] == ["Crack"] and reference.score > 0.9
