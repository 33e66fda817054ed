"""Pictures of the command line, drawn with Qt offscreen through the launcher's renderers."""

from PIL import Image

import main


def test_basins_png_through_the_launcher(qapp, tmp_path):
    png = tmp_path / "maps.png"
    argv = ["basins", "-f", "himmelblau", "-m", "gd:lr=0.01", "-m", "adam:lr=0.05", "--grid", "32"]
    assert main.main([*argv, "--format", "png", "-o", str(png)]) == 0
    with Image.open(png) as img:
        assert img.format == "PNG" and img.width >= 2 * 256 and img.height >= 256
        assert len(img.convert("RGB").getcolors(1 << 16) or []) > 6  # the four basins, titles, legend
    assert not list(tmp_path.glob(".minima-*"))


def test_one_d_basins_png(qapp, tmp_path):
    png = tmp_path / "bands.png"
    assert main.main(["basins", "-m", "gd", "--grid", "200", "--format", "png", "-o", str(png)]) == 0
    with Image.open(png) as img:
        assert img.width >= 600
