"""The image half of bench/media.sh: uploads generated 24-megapixel JPEGs,
times the first 1280 px WebP rendition of one, renders eight at once while
sampling the server's resident memory, and prints the figures against the
targets of issue 16.

    python3 bench/media.py URL PID EMAIL PASSWORD WORKDIR
"""

import concurrent.futures
import io
import json
import random
import statistics
import sys
import threading
import time
import urllib.request
import uuid

from PIL import Image, ImageDraw, ImageFilter

URL, PID, EMAIL, PASSWORD, WORK = sys.argv[1:6]
WIDTH, HEIGHT = 6000, 4000  # 24 megapixels
TIME_TARGET_MS = 400
PEAK_TARGET_MB = 300


def rss_mb():
    with open(f"/proc/{PID}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def request(method, path, body=None, headers=None):
    req = urllib.request.Request(URL + path, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=300) as answer:
        return answer.status, answer.read()


def photo(seed):
    """A 24 MP JPEG that compresses like a photo: gradients, shapes, grain."""
    rng = random.Random(seed)
    small = Image.new("RGB", (600, 400))
    draw = ImageDraw.Draw(small)
    for y in range(400):
        draw.line([(0, y), (600, y)], fill=(40 + y // 3, 60 + rng.randint(0, 20), 160 - y // 4))
    for _ in range(40):
        x, y, r = rng.randint(0, 600), rng.randint(0, 400), rng.randint(5, 60)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randint(0, 255) for _ in range(3)))
    big = small.resize((WIDTH, HEIGHT), Image.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise((WIDTH, HEIGHT), 18).convert("RGB")
    big = Image.blend(big, noise, 0.08)
    out = io.BytesIO()
    big.save(out, "JPEG", quality=88)
    return out.getvalue()


def upload(token, data, name):
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode() + data + (
        f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nA benchmark photo"
        f"\r\n--{boundary}--\r\n"
    ).encode()
    status, answer = request("POST", "/api/v1/admin/media", body, {
        "Authorization": f"Bearer {token}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    })
    assert status == 201, (status, answer[:200])
    return json.loads(answer)["id"]


def first_rendition(media_id):
    started = time.perf_counter()
    status, body = request("GET", f"/media/{media_id}/1280.webp")
    assert status == 200 and body[:4] == b"RIFF", status
    return (time.perf_counter() - started) * 1000, len(body)


status, answer = request("POST", "/api/v1/auth/login", json.dumps({"email": EMAIL, "password": PASSWORD}).encode(),
                         {"Content-Type": "application/json"})
token = json.loads(answer)["access_token"]
idle = rss_mb()

print(f"generating 12 photos of {WIDTH} x {HEIGHT} ...", flush=True)
photos = [photo(seed) for seed in range(12)]
print(f"  {statistics.mean(len(p) for p in photos) / 1e6:.1f} MB each on average", flush=True)
ids = [upload(token, data, f"bench-{n}.jpg") for n, data in enumerate(photos)]

# One at a time: the first rendition of each of four photos (decode + resize + encode + store).
single = [first_rendition(media_id) for media_id in ids[:4]]
times = [ms for ms, _ in single]
print(f"first 1280 px WebP of a 24 MP JPEG, one at a time: median {statistics.median(times):.0f} ms "
      f"(min {min(times):.0f}, max {max(times):.0f}; {single[0][1] / 1024:.0f} KiB) "
      f"-> {statistics.median(times) / TIME_TARGET_MS:.2f} x the {TIME_TARGET_MS} ms target", flush=True)

# Eight at once, sampling resident memory every 10 ms.
peak = [rss_mb()]
before = peak[0]
done = threading.Event()


def sample():
    while not done.is_set():
        peak.append(rss_mb())
        time.sleep(0.01)


sampler = threading.Thread(target=sample)
sampler.start()
started = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    results = list(pool.map(first_rendition, ids[4:12]))
wall = (time.perf_counter() - started) * 1000
done.set()
sampler.join()
print(f"eight first renditions at once: {wall:.0f} ms wall, each {min(ms for ms, _ in results):.0f}-"
      f"{max(ms for ms, _ in results):.0f} ms", flush=True)
print(f"resident memory: idle {idle:.1f} MB, before {before:.1f} MB, peak {max(peak):.1f} MB "
      f"-> {max(peak) / PEAK_TARGET_MB:.2f} x the {PEAK_TARGET_MB} MB target", flush=True)
time.sleep(2)
print(f"resident memory 2 s later: {rss_mb():.1f} MB (the idle budget is 64 MB)", flush=True)

# The stored rendition the shell part serves with wrk, and its bytes for the ceiling.
with open(f"{WORK}/rendition.path", "w") as out:
    out.write(f"/media/{ids[0]}/1280.webp")
_, body = request("GET", f"/media/{ids[0]}/1280.webp")
with open(f"{WORK}/rendition.webp", "wb") as out:
    out.write(body)
