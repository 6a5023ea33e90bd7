# render.py writes golden.json: what the Hugging Face Jinja chat templates in jinja/ produce
# (rendered with jinja2 as transformers does) for conversations of 1-3 turns, with and without
# a system message. Run: python3 render.py
import json, os
import jinja2

def raise_exception(msg):
    raise jinja2.exceptions.TemplateError(msg)

env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
env.globals["raise_exception"] = raise_exception

system = {"role": "system", "content": "You answer from the company's documents. 请用中文或英文回答。"}
turns = [
    {"role": "user", "content": "  What is the refund policy?  "},
    {"role": "assistant", "content": " Refunds within 30 days. 三十天内退款。 "},
    {"role": "user", "content": "你好，Tutor!\nSecond line."},
]
convs = {
    "1turn": turns[:1],
    "3turns": turns,
    "system-1turn": [system] + turns[:1],
    "system-3turns": [system] + turns,
}
bos = {"llama3": "<|begin_of_text|>", "llama2": "<s>", "mistral": "<s>", "chatml": "", "qwen2": ""}
out = {}
for name in sorted(os.listdir("jinja")):
    kind = name.removesuffix(".jinja")
    tmpl = env.from_string(open(os.path.join("jinja", name)).read())
    for conv, msgs in convs.items():
        for gen in (False, True):
            try:
                s = tmpl.render(messages=msgs, add_generation_prompt=gen, bos_token=bos[kind], eos_token="</s>")
            except jinja2.exceptions.TemplateError as e:
                s = "ERROR: " + str(e)
            out[f"{kind}/{conv}/gen={gen}"] = s
with open("golden.json", "w") as f:
    json.dump(out, f, ensure_ascii=False, indent=1, sort_keys=True)
