"""Simple pictures for the demo articles, drawn with Pillow (no text, no photographs of people)."""

import io
import random

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1200, 800
SKY = (214, 232, 245)
GRASS = (150, 196, 120)
RED = (196, 30, 36)
YELLOW = (255, 205, 70)


def _canvas(background=SKY):
    picture = Image.new("RGB", (WIDTH, HEIGHT), background)
    return picture, ImageDraw.Draw(picture)


def _person(draw, x, y, color, scale=1.0):
    head = 22 * scale
    draw.ellipse([x - head, y - 3 * head, x + head, y - head], fill=(245, 210, 180))
    draw.rounded_rectangle([x - 1.6 * head, y - head, x + 1.6 * head, y + 3 * head], radius=12, fill=color)


def _buildings(draw, rng, base=600):
    x = 0
    while x < WIDTH:
        width = rng.randint(140, 220)
        height = rng.randint(260, 460)
        shade = rng.randint(180, 220)
        draw.rectangle([x, base - height, x + width - 10, base], fill=(shade, shade - 10, shade - 25))
        for wy in range(base - height + 25, base - 30, 55):
            for wx in range(x + 18, x + width - 40, 45):
                draw.rectangle(
                    [wx, wy, wx + 24, wy + 30], fill=(250, 238, 200) if rng.random() > 0.3 else (120, 140, 160)
                )
        x += width


def neighbourhood_feast(rng):
    """A long table of neighbours under lanterns (邻里节、千家宴)."""
    picture, draw = _canvas((252, 240, 220))
    for i in range(8):
        x = 100 + i * 140
        draw.line([x, 0, x, 70], fill=(120, 60, 30), width=3)
        draw.ellipse([x - 35, 70, x + 35, 150], fill=RED)
    draw.rounded_rectangle([80, 500, 1120, 560], radius=16, fill=(190, 120, 70))
    colors = [RED, (40, 90, 170), (60, 140, 90), (230, 150, 40), (150, 70, 150)]
    for i in range(9):
        _person(draw, 130 + i * 118, 470, rng.choice(colors))
    for i in range(7):
        draw.ellipse([170 + i * 140, 505, 230 + i * 140, 535], fill=(255, 255, 255))
    return picture


def volunteers_in_red(rng):
    """Volunteers in red vests in front of homes (红马甲)."""
    picture, draw = _canvas()
    _buildings(draw, rng)
    draw.rectangle([0, 600, WIDTH, HEIGHT], fill=(200, 200, 195))
    for i in range(6):
        _person(draw, 170 + i * 170, 690, RED, scale=1.3)
    return picture


def sorting_bins(rng):
    """Four sorting bins in their colours (垃圾分类)."""
    picture, draw = _canvas((236, 244, 236))
    draw.rectangle([0, 620, WIDTH, HEIGHT], fill=(190, 190, 185))
    for i, color in enumerate([(40, 110, 190), (200, 40, 40), (60, 150, 70), (90, 90, 90)]):
        x = 150 + i * 250
        draw.rounded_rectangle([x, 330, x + 170, 640], radius=14, fill=color)
        draw.rectangle([x - 12, 300, x + 182, 340], fill=tuple(max(0, c - 40) for c in color))
        draw.ellipse([x + 55, 420, x + 115, 480], outline=(255, 255, 255), width=8)
    return picture


def riverside(rng):
    """The river bank and the lake: where the community lives."""
    picture, draw = _canvas((200, 225, 245))
    draw.ellipse([880, 60, 1000, 180], fill=YELLOW)
    _buildings(draw, rng, base=470)
    for row in range(6):
        y = 480 + row * 55
        draw.rectangle([0, y, WIDTH, y + 55], fill=(70 + row * 10, 130 + row * 8, 190 - row * 5))
        for x in range(0, WIDTH, 120):
            draw.arc([x + rng.randint(0, 40), y + 10, x + 80, y + 40], 200, 340, fill=(230, 240, 250), width=3)
    return picture


def clean_corridor(rng):
    """A tidy stairwell after the clean-up (楼道清理)."""
    picture, draw = _canvas((235, 230, 222))
    for step in range(8):
        y = 740 - step * 70
        x = 200 + step * 90
        draw.rectangle([x, y, x + 520, y + 70], fill=(205 - step * 6, 195 - step * 6, 180 - step * 6))
    draw.line([150, 760, 950, 200], fill=(120, 80, 50), width=12)
    _person(draw, 1020, 700, RED, scale=1.4)
    draw.rectangle([60, 120, 240, 330], fill=(250, 250, 240), outline=(150, 150, 150), width=4)
    return picture


def lit_alley(rng):
    """A back alley with new street lamps (背街小巷改造)."""
    picture, draw = _canvas((40, 50, 80))
    draw.polygon([(0, HEIGHT), (500, 380), (700, 380), (WIDTH, HEIGHT)], fill=(110, 110, 120))
    for side in (0, 1):
        for i in range(4):
            x = 430 - i * 120 if side == 0 else 770 + i * 120
            top = 300 - i * 40
            draw.line([x, top, x, 420 + i * 90], fill=(30, 30, 30), width=8)
            draw.ellipse([x - 30, top - 30, x + 30, top + 10], fill=YELLOW)
    return picture


def helping_hands(rng):
    """A bag of groceries handed over at a door (微心愿)."""
    picture, draw = _canvas((250, 236, 228))
    draw.rectangle([700, 150, 1000, 700], fill=(150, 90, 60))
    draw.ellipse([930, 420, 960, 450], fill=YELLOW)
    _person(draw, 560, 640, RED, scale=1.6)
    _person(draw, 850, 640, (70, 90, 160), scale=1.5)
    draw.rounded_rectangle([610, 480, 760, 640], radius=18, fill=(240, 240, 235), outline=(120, 120, 120), width=4)
    draw.ellipse([640, 430, 730, 500], fill=(230, 180, 60))
    return picture


def study_room(rng):
    """Chairs around a table in the community classroom (党课、主题党日)."""
    picture, draw = _canvas((245, 240, 230))
    draw.rectangle([150, 80, 1050, 330], fill=(160, 30, 36))
    draw.rectangle([190, 110, 1010, 300], fill=(190, 50, 50))
    draw.rounded_rectangle([250, 520, 950, 600], radius=12, fill=(170, 120, 80))
    for i in range(6):
        _person(draw, 300 + i * 120, 500, (70, 90, 140) if i % 2 else (80, 80, 80))
    return picture


def trash_corner(rng):
    """A corner behind a building piled with rubbish (卫生死角, before)."""
    picture, draw = _canvas((205, 200, 190))
    draw.rectangle([0, 0, WIDTH, 420], fill=(170, 160, 150))
    for _ in range(60):
        x, y = rng.randint(80, 1120), rng.randint(430, 760)
        size = rng.randint(20, 90)
        color = rng.choice([(90, 80, 70), (60, 110, 60), (140, 120, 90), (200, 200, 200), (50, 50, 50)])
        draw.ellipse([x, y, x + size, y + size * 0.7], fill=color)
    draw.rectangle([300, 330, 520, 560], fill=(120, 100, 80))
    return picture


def tidy_corner(rng):
    """The same corner cleaned, with a planter (after)."""
    picture, draw = _canvas((205, 200, 190))
    draw.rectangle([0, 0, WIDTH, 420], fill=(230, 225, 215))
    draw.rectangle([0, 420, WIDTH, HEIGHT], fill=(215, 212, 205))
    for i in range(5):
        x = 150 + i * 200
        draw.rectangle([x, 520, x + 140, 600], fill=(160, 110, 70))
        draw.ellipse([x - 10, 430, x + 150, 540], fill=(80, 150, 80))
    for i, color in enumerate([(40, 110, 190), (200, 40, 40), (60, 150, 70), (90, 90, 90)]):
        draw.rounded_rectangle([1000 - i * 60, 620, 1050 - i * 60, 720], radius=6, fill=color)
    return picture


SCENES = {
    "trash": trash_corner,
    "tidy": tidy_corner,
    "feast": neighbourhood_feast,
    "volunteers": volunteers_in_red,
    "bins": sorting_bins,
    "river": riverside,
    "corridor": clean_corridor,
    "alley": lit_alley,
    "wish": helping_hands,
    "study": study_room,
}


def draw_scene(name, seed=0):
    """A JPEG of the named scene, as a photographer's camera would hand it over."""
    picture = SCENES[name](random.Random(seed))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()
