#!/usr/bin/env python3
"""Drives headless Chromium through the editor on the mock page (server.py) and checks what a
clerk would do: type, headings, alignment, indent, a picture between two paragraphs, a table,
links, Word paste, plain-text paste, pasted picture files, autosave (and its failure), restore
after reload, preview, the real submit, keyboard use, older and hostile content, and axe-core.

    python3 check.py            (chromedriver and chromium from /usr/bin; screenshots to /tmp/rte-shots)

Prints one line per check and ends with "N passed, N failed"; exits 1 if any failed.
"""
import json
import os
import re
import struct
import sys
import threading
import time
import urllib.request
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402
from webdriver import Browser, WebDriverError  # noqa: E402

SHOTS = "/tmp/rte-shots"
AXE = os.environ.get("AXE_JS", "/work/main/target/jstools/node_modules/axe-core/axe.min.js")
RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append((name, bool(ok)))
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else "  -- " + str(detail)[:1500]), flush=True)


def png(path, w=120, h=80):
    """A small real PNG (a red-to-blue gradient) to upload."""
    rows = b"".join(b"\x00" + b"".join(struct.pack("BBB", 200 - x, 40, 55 + x) for x in range(w)) for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)
    return path


WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:v="urn:schemas-microsoft-com:vml">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name=Generator content="Microsoft Word 15">
<style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm; text-align:justify; font-size:10.5pt; font-family:等线;} --></style>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->
</head><body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<!--StartFragment-->
<h1 style='margin-top:17.0pt;mso-list:none'><span style='font-family:黑体;mso-ascii-font-family:"Times New Roman"'>一、检查范围<o:p></o:p></span></h1>
<p class=MsoNormal style='text-indent:21.0pt;mso-char-indent-count:2.0'><span style='font-family:仿宋_GB2312;mso-hansi-font-family:"Times New Roman"'>全市各类生产经营单位，重点是<b style='mso-bidi-font-weight:normal'>危险化学品</b>企
业和<span style='font-weight:bold'>人员密集场所</span>。<o:p></o:p></span></p>
<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
<p class=MsoNormal align=center style='text-align:center'><span style='font-family:黑体'>二、检查内容<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpFirst style='margin-left:18.0pt;mso-para-margin-left:0gd;text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span lang=EN-US style='font-family:Symbol;mso-fareast-font-family:Symbol;mso-bidi-font-family:Symbol'><span style='mso-list:Ignore'>\u00b7<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>消防设施是否完好<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span lang=EN-US style='font-family:Symbol'><span style='mso-list:Ignore'>\u00b7<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>安全出口是否畅通<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l1 level1 lfo2'><![if !supportLists]><span lang=EN-US><span style='mso-list:Ignore'>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span></span><![endif]>各单位自查<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l1 level1 lfo2'><![if !supportLists]><span lang=EN-US><span style='mso-list:Ignore'>2.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span></span><![endif]>检查组抽查<o:p></o:p></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 width=553 style='width:414.8pt;border-collapse:collapse;border:none;mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>
 <tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes'>
  <td width=276 valign=top style='width:207.4pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt'><p class=MsoNormal><b><span style='font-family:黑体'>单位<o:p></o:p></span></b></p></td>
  <td width=276 valign=top style='width:207.4pt;border:solid windowtext 1.0pt'><p class=MsoNormal><b>时间<o:p></o:p></b></p></td>
 </tr>
 <tr style='mso-yfti-irow:1;mso-yfti-lastrow:yes'>
  <td width=276 valign=top style='width:207.4pt'><p class=MsoNormal>市化工厂<o:p></o:p></p></td>
  <td width=276 valign=top style='width:207.4pt'><p class=MsoNormal><span lang=EN-US>12</span>月<span lang=EN-US>5</span>日<o:p></o:p></p></td>
 </tr>
</table>
<p class=MsoNormal><span lang=EN-US style='mso-no-proof:yes'><!--[if gte vml 1]><v:shape id="图片_x0020_1" type="#_x0000_t75" style='width:75pt;height:37.5pt'><v:imagedata src="file:///C:/Users/ADMINI~1/AppData/Local/Temp/msohtmlclip1/01/clip_image001.png" o:title=""/></v:shape><![endif]--><![if !vml]><img width=100 height=50 src="file:///C:/Users/ADMINI~1/AppData/Local/Temp/msohtmlclip1/01/clip_image002.png" v:shapes="图片_x0020_1"><![endif]></span>详见<a href="https://www.mem.gov.cn/"><span style='color:#0563C1'>应急管理部网站</span></a><a href="javascript:alert(1)">（坏链接）</a><font face="宋体" color=red>。</font><o:p></o:p></p>
<p class=MsoNormal style='text-align:justify'><span style='mso-spacerun:yes'>&nbsp;&nbsp;</span><o:p></o:p></p>
<!--EndFragment-->
</body></html>"""


def main():
    os.makedirs(SHOTS, exist_ok=True)
    httpd = server.serve(0)
    port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % port

    def mock(path, body=None):
        req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                     method="POST" if body is not None else "GET")
        return json.loads(urllib.request.urlopen(req).read())

    mock("/__reset", {})
    photo = png("/tmp/rte-photo.png")
    toolarge = png("/tmp/toolarge.png", 10, 10)
    b = Browser()
    try:
        run(b, base, mock, photo, toolarge)
    except Exception as e:  # a crash is a failed check, with a screenshot
        check("scenario ran to the end", False, repr(e))
        try:
            b.screenshot(SHOTS + "/crash.png")
        except Exception:
            pass
    finally:
        b.quit()
        httpd.shutdown()
    passed = sum(1 for _, ok in RESULTS if ok)
    failed = len(RESULTS) - passed
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def run(b, base, mock, photo, toolarge):
    body = lambda: b.js("return document.getElementById('body').value")  # noqa: E731
    status = lambda: b.js("var s=document.querySelector('.rte-status');return s?s.textContent:''")  # noqa: E731
    def button(label):
        return b.find('.rte-toolbar button[aria-label="%s"]' % label)
    def press(label):
        b.click(button(label))
        time.sleep(0.1)
    def block(css, n=0):
        return b.find_all(".rte .ProseMirror > " + css)[n]
    def click_end(el):
        b.click(el)
        b.keys("end")
    def csp_logs():
        return [l["message"] for l in b.logs() if "Content Security Policy" in l.get("message", "")]
    def dialog_field(n):
        return b.find_all("dialog.rte-dialog[open] input")[n]
    def dialog_ok():
        b.click(b.find("dialog.rte-dialog[open] button[type=submit]"))
        time.sleep(0.15)

    # --- 1. The page with JavaScript -------------------------------------------------------
    b.get(base + "/?body=empty")
    b.wait("return document.querySelector('.rte-toolbar:not([hidden]) button')")
    state = b.js("""var t=document.getElementById('body'), r=document.getElementById('rte'), bar=document.querySelector('.rte-toolbar');
      var pm=r.querySelector('.ProseMirror');
      return {textareaHidden:t.hidden, rteHidden:r.hidden, bar:bar.getAttribute('role'), barLabel:bar.getAttribute('aria-label'),
        pmEditable:pm&&pm.getAttribute('contenteditable'), pmRole:pm&&pm.getAttribute('role'), pmLabel:pm&&pm.getAttribute('aria-label'),
        mountRole:r.getAttribute('role'), buttons:Array.from(bar.querySelectorAll('button')).map(function(x){return [x.textContent,x.getAttribute('type'),x.getAttribute('aria-label'),x.getAttribute('aria-pressed'),x.hidden]}),
        styles:document.querySelectorAll('style').length, statusCount:document.querySelectorAll('.rte-status').length}""")
    check("textarea hidden, editor and toolbar shown", state["textareaHidden"] and not state["rteHidden"] and state["pmEditable"] == "true", state)
    check("toolbar role=toolbar with a Chinese label", state["bar"] == "toolbar" and state["barLabel"] == "正文格式", state)
    check("editor is the one textbox, labelled", state["pmRole"] == "textbox" and state["pmLabel"] == "正文编辑区" and not state["mountRole"], state)
    check("every toolbar button is type=button with a Chinese aria-label",
          all(x[1] == "button" and x[2] and re.search(r"[\u4e00-\u9fff]", x[2]) for x in state["buttons"]), state["buttons"])
    check("no <style> element injected (CSP style-src 'self')", state["styles"] == 0, state["styles"])
    check("the page's status line is used (none added)", state["statusCount"] == 1, state["statusCount"])
    print("     toolbar:", " ".join(x[0] + ("" if not x[4] else "(隐)") for x in state["buttons"]))

    # --- 2. Typing, heading, alignment, indent -----------------------------------------------
    b.type(b.find("#title"), "关于开展冬季安全检查的通知")
    pm = b.find(".rte .ProseMirror")
    b.click(pm)
    b.keys(*"冬季安全检查工作方案", "enter", *"第一段：各单位要高度重视安全检查工作。", "enter",
           *"第二段：检查时间为十二月。", "enter", *"某某市应急管理局", "enter", *"（此件公开发布）")
    check("typed text reaches the textarea", body() == "<p>冬季安全检查工作方案</p><p>第一段：各单位要高度重视安全检查工作。</p>"
          "<p>第二段：检查时间为十二月。</p><p>某某市应急管理局</p><p>（此件公开发布）</p>", body())
    b.click(block("p", 0)); press("二级标题"); press("居中")
    b.click(block("p", 0)); press("首行缩进"); press("两端对齐")
    b.click(block("p", 1)); press("首行缩进")
    b.click(block("p", 2)); press("右对齐")
    b.click(block("p", 3)); press("居中")
    pressed = b.js("return Array.from(document.querySelectorAll('.rte-toolbar button[aria-pressed=true]')).map(function(x){return x.textContent})")
    check("aria-pressed follows the cursor (正文 + 居中 on the centred line)", sorted(pressed) == ["居中", "正文"], pressed)
    expect = ('<h2 class="align-center">冬季安全检查工作方案</h2><p class="indent align-justify">第一段：各单位要高度重视安全检查工作。</p>'
              '<p class="indent">第二段：检查时间为十二月。</p><p class="align-right">某某市应急管理局</p><p class="align-center">（此件公开发布）</p>')
    check("heading, centre, right, justify and indent written as classes", body() == expect, body())
    b.click(block("p", 3)); press("左对齐")
    check("左对齐 removes the class", '<p>（此件公开发布）</p>' in body(), body())
    press("撤销")
    check("撤销 undoes it", '<p class="align-center">（此件公开发布）</p>' in body(), body())
    b.screenshot(SHOTS + "/01-typed-heading-align.png")

    # --- 3. Pictures ---------------------------------------------------------------------------
    click_end(block("p", 0))
    picker = b.find(".rte-toolbar input.rte-picker")
    b.type(picker, toolarge)
    b.wait("return /超过 5 MiB/.test(document.querySelector('.rte-status').textContent)")
    check("an upload refused by the server shows its message", "超过 5 MiB" in status() and
          b.js("return document.querySelector('.rte-status').classList.contains('rte-status-error')"), status())
    click_end(block("p", 0))
    press("插入图片")  # opens the (headless: invisible) file chooser; the file is given directly
    b.type(picker, photo)
    b.wait("return document.querySelector('dialog.rte-dialog[open]')")
    dlg = b.js("""var d=document.querySelector('dialog.rte-dialog[open]');var i=d.querySelectorAll('input');
      return {title:d.querySelector('h2').textContent, labelled:d.getAttribute('aria-labelledby'), modal:d.matches(':modal'),
        alt:document.querySelector('label[for='+i[0].id+']').textContent, altReq:i[0].required, hint:document.getElementById(i[0].getAttribute('aria-describedby')).textContent,
        cap:document.querySelector('label[for='+i[1].id+']').textContent, focused:document.activeElement===i[0]}""")
    check("the picture dialog asks 替代文字 (required, with hint) and 图片说明, modal, focused",
          dlg["modal"] and dlg["altReq"] and "替代文字" in dlg["alt"] and "读屏软件" in dlg["hint"] and "图片说明" in dlg["cap"] and dlg["focused"], dlg)
    b.screenshot(SHOTS + "/02-picture-dialog.png")
    dialog_ok()
    err = b.js("return document.querySelector('dialog.rte-dialog[open] .rte-dialog-error').textContent")
    check("an empty alt is refused", "请填写替代文字" in err, err)
    b.type(dialog_field(0), "rte-photo.png")
    dialog_ok()
    err = b.js("return document.querySelector('dialog.rte-dialog[open] .rte-dialog-error').textContent")
    check("the file name as alt is refused", "不能是文件名" in err, err)
    b.clear(dialog_field(0))
    b.type(dialog_field(0), "图片")
    dialog_ok()
    err = b.js("return document.querySelector('dialog.rte-dialog[open] .rte-dialog-error').textContent")
    check("an alt of just 图片 is refused", "不要只写" in err, err)
    b.clear(dialog_field(0))
    b.type(dialog_field(0), "检查组在企业查看消防设施")
    b.type(dialog_field(1), "12月3日，检查组在某企业检查消防设施。")
    dialog_ok()
    b.wait("return !document.querySelector('dialog.rte-dialog[open]') && /图片已插入/.test(document.querySelector('.rte-status').textContent)")
    up = mock("/__state")["uploads"]
    url = "/files/" + up[-1]["stored"]
    check("the upload is multipart with csrf and file", up[-1]["name"] == "rte-photo.png" and up[-1]["type"] == "image/png", up)
    check("the figure is inserted between the two paragraphs",
          '<p class="indent align-justify">第一段：各单位要高度重视安全检查工作。</p><figure><img src="%s" alt="检查组在企业查看消防设施">'
          '<figcaption>12月3日，检查组在某企业检查消防设施。</figcaption></figure><p class="indent">第二段' % url in body(), body())
    loaded = b.wait("var i=document.querySelector('.rte figure img');return i&&i.complete&&i.naturalWidth")
    check("the uploaded picture shows in the editor", loaded == 120, loaded)
    # Edit its texts (the figure is selected after a click; 图片文字 appears).
    b.click(b.find(".rte figure img"))
    b.wait("var x=document.querySelector('.rte-toolbar button[aria-label=\"图片文字\"]');return x&&!x.hidden")
    press("图片文字")
    b.wait("return document.querySelector('dialog.rte-dialog[open]')")
    b.clear(dialog_field(1))
    dialog_ok()
    check("the caption can be removed (no figcaption then)",
          '<figure><img src="%s" alt="检查组在企业查看消防设施"></figure>' % url in body(), body())
    press("撤销")
    check("and put back by 撤销", "<figcaption>12月3日" in body(), body())

    # --- 4. Table --------------------------------------------------------------------------------
    click_end(block("p", 1))
    press("插入表格")
    b.wait("return document.querySelector('dialog.rte-dialog[open]')")
    vals = b.js("return Array.from(document.querySelectorAll('dialog.rte-dialog[open] input')).map(function(i){return i.type==='checkbox'?i.checked:i.value})")
    check("插入表格 defaults 3 × 3 with a header row", vals == ["3", "3", True], vals)
    b.clear(dialog_field(0)); b.type(dialog_field(0), "0")
    dialog_ok()
    check("0 rows refused", "行数" in b.js("return document.querySelector('dialog.rte-dialog[open] .rte-dialog-error').textContent"))
    b.clear(dialog_field(0)); b.type(dialog_field(0), "2")
    b.clear(dialog_field(1)); b.type(dialog_field(1), "3")
    dialog_ok()
    b.keys(*"项目", "tab", *"负责人", "tab", *"完成时间", "tab", *"消防", "tab", *"张三", "tab", *"12月10日")
    shown = b.js("return Array.from(document.querySelectorAll('.rte-toolbar button')).filter(function(x){return !x.hidden && !x.closest('[hidden]')}).map(function(x){return x.textContent})")
    check("table buttons shown in a table", all(x in shown for x in ["插入行", "删除行", "插入列", "删除列", "删除表格"]), shown)
    press("插入行")
    b.keys("tab", *"用电")
    t = re.search(r"<table>.*?</table>", body())
    table = t.group(0) if t else ""
    check("2 × 3 table with header cells, a row added, plain markup",
          table == "<table><tbody><tr><th><p>项目</p></th><th><p>负责人</p></th><th><p>完成时间</p></th></tr>"
                   "<tr><td><p>消防</p></td><td><p>张三</p></td><td><p>12月10日</p></td></tr>"
                   "<tr><td><p>用电</p></td><td><p></p></td><td><p></p></td></tr></tbody></table>", table or body())
    check("the table comes after the second paragraph", re.search(r'第二段：检查时间为十二月。</p><table>', body()), body())
    b.screenshot(SHOTS + "/03-table.png")
    press("插入列")
    four = body().count("<th>")
    press("删除列")
    check("插入列 adds a column, 删除列 removes one", four == 4 and body().count("<th>") == 3, [four, body()])
    press("撤销"); press("撤销")
    check("(撤销 twice: the table as it was)", table in body(), body())
    b.click(block("p", 2))
    shown = b.js("return Array.from(document.querySelectorAll('.rte-toolbar button')).filter(function(x){return !x.hidden && !x.closest('[hidden]')}).map(function(x){return x.textContent})")
    check("table buttons hidden outside a table", "插入行" not in shown, shown)

    # --- 5. Links and bold -------------------------------------------------------------------------
    click_end(block("p", 1))
    b.keys(*"详见")
    press("链接")
    b.wait("return document.querySelector('dialog.rte-dialog[open]')")
    b.type(dialog_field(0), "javascript:alert(1)")
    b.type(dialog_field(1), "中国政府网")
    dialog_ok()
    err = b.js("return document.querySelector('dialog.rte-dialog[open] .rte-dialog-error').textContent")
    check("javascript: refused with a Chinese message", "javascript:" in err and "只接受" in err, err)
    b.screenshot(SHOTS + "/04-link-refused.png")
    b.clear(dialog_field(0)); b.type(dialog_field(0), "www.gov.cn")
    dialog_ok()
    b.keys(("control", "b"), *"（重要）", ("control", "b"), *"。")
    check("link inserted (https:// added), then bold text",
          '<p class="indent">第二段：检查时间为十二月。详见<a href="https://www.gov.cn">中国政府网</a><strong>（重要）</strong>。</p>' in body(), body())
    pm_links = b.js("return document.querySelectorAll('.rte a[target], .rte a[rel]').length")
    check("links carry only href", pm_links == 0 and 'rel=' not in body())
    # A site path link on selected text.
    b.click(block("p", 2))
    b.keys("home", ("shift", "end"))
    press("链接")
    b.wait("return document.querySelector('dialog.rte-dialog[open]')")
    n = b.js("return document.querySelectorAll('dialog.rte-dialog[open] input').length")
    b.type(dialog_field(0), "/zwgk/yjglj/")
    dialog_ok()
    check("a selection linked to a site path (no text asked)", n == 1 and '<p class="align-right"><a href="/zwgk/yjglj/">某某市应急管理局</a></p>' in body(), body())

    # --- 6. Paste from Word, plain text, picture files --------------------------------------------
    csp_before = csp_logs()
    check("no CSP violation so far", not csp_before, csp_before)
    click_end(block("p", 3))
    b.keys("enter")
    press("左对齐")
    b.js("""var dt=new DataTransfer(); dt.setData('text/html', arguments[0]); dt.setData('text/plain', '一、检查范围');
      document.querySelector('.rte .ProseMirror').dispatchEvent(new ClipboardEvent('paste',{clipboardData:dt,bubbles:true,cancelable:true}));""", WORD_HTML)
    time.sleep(0.3)
    h = body()
    m = re.search(r"（此件公开发布）</p>(.*)$", h)
    pasted = m.group(1) if m else h
    print("     pasted Word HTML became:", pasted)
    bad = [x for x in ["mso", "o:p", "style=", "Mso", "<span", "<font", "file:", "javascript:", "&nbsp;", "<!--", "width", "<b>", "lang="] if x in pasted]
    check("Word junk dropped (mso, o:p, styles, spans, fonts, comments, file: images, javascript:)", not bad, bad)
    for want in ["<h2>一、检查范围</h2>",
                 '<p class="indent">全市各类生产经营单位，重点是<strong>危险化学品</strong>企业和<strong>人员密集场所</strong>。</p>',
                 '<p class="align-center">二、检查内容</p>',
                 "<ul><li><p>消防设施是否完好</p></li><li><p>安全出口是否畅通</p></li></ul>",
                 "<ol><li><p>各单位自查</p></li><li><p>检查组抽查</p></li></ol>",
                 "<table><tbody><tr><td><p><strong>单位</strong></p></td><td><p><strong>时间</strong></p></td></tr>"
                 "<tr><td><p>市化工厂</p></td><td><p>12月5日</p></td></tr></tbody></table>",
                 '<p>详见<a href="https://www.mem.gov.cn/">应急管理部网站</a>（坏链接）。</p>']:
        check("Word paste keeps " + re.sub(r"<[^>]+>", "", want)[:14], want in pasted, pasted)
    check("the empty &nbsp; paragraphs are gone", "<p></p>" not in pasted.replace("<td><p></p></td>", ""), pasted)
    check("the dropped Word picture is reported", "1 张图片未带入" in status(), status())
    csp_paste = csp_logs()
    check("no CSP violation reported while parsing the pasted HTML", not csp_paste, csp_paste)
    b.screenshot(SHOTS + "/05-word-paste.png")
    # Plain text: paragraphs per blank line.
    b.keys(("control", "end"))
    b.keys("enter")
    b.js("""var dt=new DataTransfer(); dt.setData('text/plain', '甲段第一行\\r\\n甲段第二行\\r\\n\\r\\n\\u3000\\u3000乙段\\n\\n\\n丙段');
      document.querySelector('.rte .ProseMirror').dispatchEvent(new ClipboardEvent('paste',{clipboardData:dt,bubbles:true,cancelable:true}));""")
    time.sleep(0.2)
    check("plain text pasted as paragraphs per blank line", "<p>甲段第一行<br>甲段第二行</p><p>乙段</p><p>丙段</p>" in body(), body()[-200:])
    # A picture file pasted: uploaded, alt asked, inserted without figcaption.
    b.js("""var bin=atob(arguments[0]); var a=new Uint8Array(bin.length); for(var i=0;i<bin.length;i++)a[i]=bin.charCodeAt(i);
      var dt=new DataTransfer(); dt.items.add(new File([a],'截图.png',{type:'image/png'}));
      document.querySelector('.rte .ProseMirror').dispatchEvent(new ClipboardEvent('paste',{clipboardData:dt,bubbles:true,cancelable:true}));""",
         __import__("base64").b64encode(open(photo, "rb").read()).decode())
    b.wait("return document.querySelector('dialog.rte-dialog[open]')")
    b.type(dialog_field(0), "检查现场示意图")
    dialog_ok()
    b.wait("return /图片已插入/.test(document.querySelector('.rte-status').textContent)")
    up = mock("/__state")["uploads"]
    check("a pasted picture file is uploaded, never inlined",
          up[-1]["name"] == "截图.png" and '<figure><img src="/files/%s" alt="检查现场示意图"></figure>' % up[-1]["stored"] in body()
          and "data:" not in body(), body()[-300:])
    # A picture file dropped on the second paragraph: uploaded and inserted where it was dropped.
    b.js("""var bin=atob(arguments[0]); var a=new Uint8Array(bin.length); for(var i=0;i<bin.length;i++)a[i]=bin.charCodeAt(i);
      var dt=new DataTransfer(); dt.items.add(new File([a],'IMG_20261203_101522.png',{type:'image/png'}));
      var p=document.querySelectorAll('.rte .ProseMirror > p')[1], r=p.getBoundingClientRect();
      p.dispatchEvent(new DragEvent('drop',{dataTransfer:dt,bubbles:true,cancelable:true,clientX:r.right-2,clientY:r.top+r.height/2}));""",
         __import__("base64").b64encode(open(photo, "rb").read()).decode())
    b.wait("return document.querySelector('dialog.rte-dialog[open]')")
    b.type(dialog_field(0), "IMG_20261203_101522")
    dialog_ok()
    err = b.js("return document.querySelector('dialog.rte-dialog[open] .rte-dialog-error').textContent")
    b.clear(dialog_field(0))
    b.type(dialog_field(0), "安全检查动员会现场")
    dialog_ok()
    b.wait("return /图片已插入/.test(document.querySelector('.rte-status').textContent)")
    check("a dropped picture is uploaded and inserted where dropped (camera file name refused as alt)",
          "不能是文件名" in err and re.search(r'（重要）</strong>。</p><figure><img src="/files/[0-9a-f]+\.png" alt="安全检查动员会现场"></figure><table>', body()), [err, body()[:700]])
    press("撤销")
    check("(撤销 takes the dropped picture out)", "安全检查动员会现场" not in body())
    up = mock("/__state")["uploads"]
    b.js("""var dt=new DataTransfer(); dt.items.add(new File(['%PDF-1.4'],'通知.pdf',{type:'application/pdf'}));
      document.querySelector('.rte .ProseMirror').dispatchEvent(new ClipboardEvent('paste',{clipboardData:dt,bubbles:true,cancelable:true}));""")
    time.sleep(0.2)
    check("a pasted non-picture file is refused with a message", "不是 JPG" in status() and len(mock("/__state")["uploads"]) == len(up), status())

    # --- 7. Keyboard ---------------------------------------------------------------------------------
    b.click(block("p", 1))
    b.keys(("alt", "f10"))
    f1 = b.js("var a=document.activeElement;return [a.tagName,a.textContent,a.getAttribute('tabindex'),document.querySelectorAll('.rte-toolbar button[tabindex=\"0\"]').length]")
    b.keys("right", "right")
    f2 = b.js("return document.activeElement.textContent")
    b.keys("enter")
    time.sleep(0.1)
    h3 = "<h3" in body()
    b.keys("escape")
    f3 = b.js("return document.activeElement.classList.contains('ProseMirror')")
    check("Alt+F10 to the toolbar (one tab stop), arrows move, Enter acts, Esc back", f1[0] == "BUTTON" and f1[3] == 1 and f2 == "三级标题" and h3 and f3, [f1, f2, h3, f3])
    press("撤销")
    b.keys("tab")
    f4 = b.js("return document.activeElement.id")
    check("Tab leaves the editor (no keyboard trap)", f4 != "" and f4 != "rte-content", f4)

    # --- 8. Autosave -------------------------------------------------------------------------------
    b.wait("return /已自动保存 \\d\\d:\\d\\d:\\d\\d/.test(document.querySelector('.rte-status').textContent)", timeout=15)
    st = mock("/__state")
    post = st["autosave_posts"][-1]
    saved = st["autosaves"]["articles/new"]["fields"]
    check("autosave status 已自动保存 HH:MM:SS", re.search(r"已自动保存 \d\d:\d\d:\d\d", status()), status())
    check("autosave POSTs multipart form fields without then/once/files",
          post["content_type"] == "multipart/form-data" and "then" not in post["fields"] and "once" not in post["fields"]
          and "files" not in post["fields"] and not post["files"] and {"csrf", "title", "body", "column_id"} <= set(post["fields"]), post)
    check("autosaved body is the editor's HTML", saved["body"] == body(), [saved["body"][:200], body()[:200]])
    n = len(mock("/__state")["autosave_posts"])
    time.sleep(6)
    check("nothing changed: no further autosave", len(mock("/__state")["autosave_posts"]) == n)
    mock("/__config", {"fail_autosave": True})
    b.type(b.find("#subtitle"), "（第二稿）")
    b.wait("return /自动保存失败，请手动保存/.test(document.querySelector('.rte-status').textContent)", timeout=15)
    check("a failed autosave says 自动保存失败，请手动保存", "自动保存失败，请手动保存" in status(), status())
    mock("/__config", {"fail_autosave": False})
    b.wait("return /已自动保存/.test(document.querySelector('.rte-status').textContent)", timeout=15)
    check("and it keeps retrying", mock("/__state")["autosaves"]["articles/new"]["fields"]["subtitle"] == "（第二稿）")
    final_html = body()
    b.js("document.querySelector('.rte-status').scrollIntoView({block:'center'})")
    b.screenshot(SHOTS + "/06-autosaved.png")

    # --- 9. Reload: the restore offer ---------------------------------------------------------------
    b.get(base + "/?body=empty")
    b.wait("return document.querySelector('.rte-status button.rte-restore')")
    offer = status()
    check("after reload: 有 … 自动保存的内容尚未保存。 with 恢复 / 忽略",
          re.search(r"有 \d{4}-\d\d-\d\d \d\d:\d\d 自动保存的内容尚未保存。", offer) and b.js("return !!document.querySelector('.rte-status button.rte-ignore')"), offer)
    b.js("document.querySelector('.rte-status').scrollIntoView({block:'center'})")
    b.screenshot(SHOTS + "/07-restore-offer.png")
    n = len(mock("/__state")["autosave_posts"])
    b.type(b.find("#author"), "李")
    time.sleep(6)
    check("no autosave while the offer waits", len(mock("/__state")["autosave_posts"]) == n)
    b.click(b.find(".rte-status button.rte-restore"))
    time.sleep(0.2)
    got = b.js("return {t:document.getElementById('title').value,s:document.getElementById('subtitle').value,a:document.getElementById('author').value,csrf:document.querySelector('[name=csrf]').value,once:document.querySelector('[name=once]').value}")
    check("恢复 fills the fields (not csrf/once) and the editor", body() == final_html and got["t"] == "关于开展冬季安全检查的通知"
          and got["s"] == "（第二稿）" and got["a"] == "" and got["csrf"] == "test-csrf" and got["once"] == "once-1"
          and b.js("return document.querySelectorAll('.rte figure').length") == 2, [got, body()[:200]])
    check("status after restore", "已恢复" in status(), status())
    b.js("document.querySelector('.rte-status').scrollIntoView({block:'center'})")
    b.screenshot(SHOTS + "/08-restored.png")
    # zq:restored from console.js reloads the editor from the textarea.
    b.js("var t=document.getElementById('body'); t.value='<p>由 console.js 填回的正文</p>'; document.getElementById('article-form').dispatchEvent(new CustomEvent('zq:restored'));")
    check("zq:restored reloads the editor", b.js("return document.querySelector('.rte .ProseMirror').textContent") == "由 console.js 填回的正文")
    press("撤销")
    check("(and 撤销 brings back what was there)", body() == final_html, body()[:100])

    # --- 10. Preview -------------------------------------------------------------------------------
    main_window = b.window()
    press("预览")
    b.wait("return true")
    for _ in range(50):
        if len(b.handles()) > 1:
            break
        time.sleep(0.1)
    handles = b.handles()
    check("预览 opens a new window", len(handles) == 2, handles)
    pv = mock("/__state")["previews"][-1]
    check("preview POST is urlencoded with the article's fields",
          pv["content_type"].startswith("application/x-www-form-urlencoded") and set(pv["fields"]) ==
          {"title", "subtitle", "source", "author", "summary", "doc_number", "index_number", "column_id", "body", "csrf"}
          and pv["fields"]["body"] == final_html, pv)
    if len(handles) == 2:
        b.switch([x for x in handles if x != main_window][0])
        b.wait("return document.readyState==='complete' && document.querySelector('article')")
        title = b.js("return document.title")
        check("the preview window shows the article", title == "预览：关于开展冬季安全检查的通知" and b.js("return document.querySelectorAll('article figure').length") == 2, title)
        b.screenshot(SHOTS + "/09-preview-window.png")
        b.close_window()
        b.switch(main_window)
    check("the temporary preview form is removed", b.js("return document.querySelectorAll('form').length") == 1)

    # --- 11. axe-core on the editor page ------------------------------------------------------------
    axe_src = open(AXE, encoding="utf-8").read()
    def axe(label):
        b.js(axe_src + ";return true;")
        res = b.js_async("""var done=arguments[arguments.length-1];
          axe.run(document,{runOnly:{type:'tag',values:['wcag2a','wcag2aa','wcag21a','wcag21aa','best-practice']}})
            .then(function(r){done(r.violations.map(function(v){return {id:v.id,impact:v.impact,tags:v.tags.filter(function(t){return /^wcag/.test(t)}),
              nodes:v.nodes.map(function(n){return n.target.join(' ')}).slice(0,5)}})) }).catch(function(e){done('error '+e)})""")
        serious = [v for v in res if v["impact"] in ("serious", "critical")]
        print("     axe (%s): %s" % (label, json.dumps(res, ensure_ascii=False) if res else "no violations"))
        check("axe-core: no serious/critical violation (%s)" % label, not serious, serious)
        return res
    b.click(block("p", 1))
    axe("toolbar shown, text cursor")
    b.click(b.find(".rte .ProseMirror table td"))
    axe("cursor in a table, table buttons shown")
    b.screenshot(SHOTS + "/10-axe-table-state.png")
    b.click(b.find(".rte figure img"))
    press("图片文字")
    b.wait("return document.querySelector('dialog.rte-dialog[open]')")
    axe("picture dialog open")
    b.keys("escape")
    time.sleep(0.2)
    check("Esc closes the dialog", not b.js("return document.querySelector('dialog.rte-dialog')"))
    b.get(base + "/?body=empty")
    b.wait("return document.querySelector('.rte-status button.rte-restore')")
    axe("restore offer in the status line")
    b.click(b.find(".rte-status button.rte-ignore"))
    check("忽略 dismisses the offer", status() == "" and not b.js("return document.querySelector('.rte-status button')"), status())

    # --- 12. The real submit: textarea set, no autosave on the way out ------------------------------
    mock("/__config", {"slow_submit": 7})
    b.js("document.getElementById('title').value='提交测试';")
    b.click(b.find(".rte .ProseMirror"))
    b.keys(("control", "end"), *"最后一句。")
    html_before = body()
    b.js("setTimeout(function(){document.querySelector('button[name=then][value=save]').click()},0)")
    time.sleep(9)
    st = mock("/__state")
    sub = st["submits"][-1] if st["submits"] else {}
    check("the form sends the editor's HTML in body", sub.get("fields", {}).get("body") == html_before, [sub, html_before])
    late = [p for p in st["autosave_posts"] if p["t"] > sub.get("t", 0) - 0.5]
    check("no autosave after the form was submitted", not late, late)
    mock("/__config", {"slow_submit": 0})

    # --- 13. Older content, hostile content, text body, no data attributes --------------------------
    b.get(base + "/?body=legacy&attrs=none")
    b.wait("return document.querySelector('.rte .ProseMirror')")
    legacy = body()
    print("     legacy body became:", legacy)
    check("older HTML parsed into the schema (div, bare text, <p><img>, b/i, h1/h4, table, list)", legacy ==
          '<p>旧系统的一段文字</p><p>裸露的文字</p><figure><img src="/static/logo.svg" alt="网站标志"></figure>'
          '<p><strong>粗体</strong>和<em>斜体</em>，红字，x</p><h2>旧的一级标题</h2><h3>旧的四级标题</h3>'
          '<p class="indent align-center">居中缩进的旧段落</p><table><tbody><tr><td><p>甲</p></td><td><p>乙</p></td></tr></tbody></table>'
          '<ul><li><p>一</p></li><li><p>二</p></li></ul>', legacy)
    labels = b.js("return Array.from(document.querySelectorAll('.rte-toolbar button')).map(function(x){return x.textContent})")
    check("without data-* attributes: no 插入图片, no 预览, no status fetch",
          "插入图片" not in labels and "预览" not in labels and "插入表格" in labels, labels)
    b.get(base + "/?body=hostile&status=none")
    b.wait("return document.querySelector('.rte .ProseMirror')")
    time.sleep(0.5)
    hostile = body()
    print("     hostile body became:", hostile)
    check("hostile HTML: nothing ran", b.js("return window.__xss === undefined"))
    check("hostile HTML: no handler, script, javascript:, //host, data:, style, foreign class",
          not re.search(r"onerror|onclick|script|javascript|evil|data:|style|iframe", hostile), hostile)
    check("a missing status line is created after the toolbar",
          b.js("var s=document.querySelector('.rte-status');return !!s && s.previousElementSibling===document.querySelector('.rte-toolbar') && s.getAttribute('role')==='status'"))
    b.get(base + "/?body=text")
    b.wait("return document.querySelector('.rte .ProseMirror')")
    check("a text body (no tags) becomes paragraphs", body() == "<p>第一段文字<br>第二段文字</p><p>第三段&lt;不是标签&gt;</p>", body())
    csp_all = csp_logs()
    check("no CSP violation on older/hostile content either", not csp_all, csp_all)
    print("\nFINAL TEXTAREA HTML OF THE SCENARIO:\n" + final_html + "\n")


if __name__ == "__main__":
    sys.exit(main())
