"""Logins over HTTP: lockout, expiry, logout, CSRF, forged and replayed
tokens, a disabled user's live session, a password change (issue 13 item 4).
Run by test_api_auth.sh with BASE, PW and the server's limits in the
environment: 3 failures lock for 2 s, sessions idle 3 s, at most 8 s."""
import os
import secrets
import time

from api import Checks, Session

BASE = os.environ["BASE"]
PW = os.environ["PW"]
t = Checks()

anon = Session(BASE)
st, b, _ = anon.call("GET", "/api/me")
t.status(st, 401, "no login", b)
t.check(b["error"]["code"] == "auth", "no login: code auth")
t.check("登录" in b["error"]["message"], "no login: says 登录 in Chinese")

# A wrong password and an unknown login are refused alike.
st1, b1, _ = Session(BASE).login("case01", "wrong-password-123")
st2, b2, _ = Session(BASE).login("nobody99", "wrong-password-123")
t.status(st1, 401, "wrong password", b1)
t.status(st2, 401, "unknown login", b2)
t.check(b1["error"]["reason"] == b2["error"]["reason"], "wrong password and unknown login read the same")

# A good login: an HttpOnly, SameSite=Strict cookie (not Secure on plain
# HTTP), a CSRF token in the body, never the session token itself.
s = Session(BASE)
st, b, h = s.login("case01", PW)
t.status(st, 200, "login", b)
cookie = h.get("set-cookie", "")
for attr in ("HttpOnly", "SameSite=Strict", "Path=/"):
    t.check(attr in cookie, f"cookie has {attr}: {cookie}")
t.check("Secure" not in cookie, "no Secure flag without TLS")
t.check(s.cookie and len(s.cookie) >= 43, "a 256-bit token")
t.check(s.cookie not in str(b), "the token is not in the body")
t.check(b["user"]["role"] == "caseworker" and b["user"]["role_zh"] == "乡镇经办员", "user and role")
st, b, h = s.call("GET", "/api/me")
t.status(st, 200, "me", b)
t.check(b["user"]["login"] == "case01" and b["user"]["scope"] == "140902101", "me: login and scope")
for k, v in (("x-content-type-options", "nosniff"), ("cache-control", "no-store"), ("x-frame-options", "DENY")):
    t.check(h.get(k) == v, f"header {k}: {h.get(k)}")

# CSRF: a state-changing request with the cookie needs the token.
st, b, _ = s.call("POST", "/api/me/password", {"old_password": PW, "new_password": "x" * 12}, csrf=False)
t.status(st, 403, "no CSRF token", b)
t.check(b["error"]["code"] == "csrf", "no CSRF token: code csrf")
st, b, _ = s.call("POST", "/api/me/password", {"old_password": PW, "new_password": "x" * 12},
                  headers={"X-CSRF-Token": secrets.token_urlsafe(32)})
t.status(st, 403, "wrong CSRF token", b)
st, b, _ = s.call("POST", "/api/logout", csrf=False)
t.status(st, 403, "logout without CSRF token", b)

# Forged tokens.
for forged in (secrets.token_urlsafe(32), "x", "A" * 43, s.cookie[:-1] + ("A" if s.cookie[-1] != "A" else "B")):
    f = Session(BASE)
    f.cookie = forged
    st, b, _ = f.call("GET", "/api/me")
    t.status(st, 401, f"forged token {forged[:6]}...", b)

# A program may send the token as a bearer instead: no CSRF check then.
st, b, _ = anon.call("GET", "/api/me", headers={"Authorization": "Bearer " + s.cookie})
t.status(st, 200, "bearer token", b)

# Logout ends the session; the old cookie replayed is refused.
old = s.cookie
st, b, h = s.call("POST", "/api/logout")
t.status(st, 200, "logout", b)
t.check("Max-Age=0" in h.get("set-cookie", ""), "logout clears the cookie")
r = Session(BASE)
r.cookie = old
st, b, _ = r.call("GET", "/api/me")
t.status(st, 401, "replayed token after logout", b)

# Lockout: 3 failures lock for 2 s, even the right password; then it opens.
for i in range(3):
    st, b, _ = Session(BASE).login("case02", "wrong-password-123")
    t.status(st, 401, f"failure {i + 1}", b)
st, b, _ = Session(BASE).login("case02", PW)
t.status(st, 401, "locked: the right password is refused", b)
t.check("锁定" in b["error"]["message"], f"locked: says 锁定: {b['error']['message']}")
time.sleep(2.5)
st, b, _ = Session(BASE).login("case02", PW)
t.status(st, 200, "unlocked after the lock time", b)

# A disabled user's live session ends at once; he cannot log in again.
admin = Session(BASE)
st, b, _ = admin.login("admin01", PW)
t.status(st, 200, "admin login", b)
u = Session(BASE)
u.login("case01", PW)
st, b, _ = admin.call("POST", "/api/users/case01/disable")
t.status(st, 200, "disable", b)
st, b, _ = u.call("GET", "/api/me")
t.status(st, 401, "disabled user's live session", b)
st, b, _ = Session(BASE).login("case01", PW)
t.status(st, 401, "disabled user's login", b)
st, b, _ = admin.call("POST", "/api/users/case01/enable")
t.status(st, 200, "enable", b)

# A password change ends every session of the user.
a, c = Session(BASE), Session(BASE)
a.login("case01", PW)
c.login("case01", PW)
new_pw = "another-long-password-7"
st, b, _ = a.call("POST", "/api/me/password", {"old_password": PW, "new_password": new_pw})
t.status(st, 200, "password change", b)
for who, sess in (("this", a), ("other", c)):
    st, b, _ = sess.call("GET", "/api/me")
    t.status(st, 401, f"{who} session after password change", b)
t.status(Session(BASE).login("case01", PW)[0], 401, "old password after change")
t.status(Session(BASE).login("case01", new_pw)[0], 200, "new password after change")
st, b, _ = Session(BASE).login("case01", new_pw)
weak = Session(BASE)
weak.login("case01", new_pw)
st, b, _ = weak.call("POST", "/api/me/password", {"old_password": new_pw, "new_password": "case01case01"})
t.status(st, 422, "a password containing the login", b)

# A password an administrator set (a reset) is changed before anything
# else: the login works and says so, every other route answers 403 naming
# the password, until the user chooses his own.
st, b, _ = admin.call("POST", "/api/users/case02/password", {"password": "Reset-by-admin-42"})
t.status(st, 200, "admin resets case02's password", b)
r = Session(BASE)
st, b, _ = r.login("case02", "Reset-by-admin-42")
t.status(st, 200, "login with the reset password", b)
t.check(b["user"]["password_state"] == "temporary", f"login says the password is temporary: {b['user']}")
st, b, _ = r.call("GET", "/api/cases")
t.status(st, 403, "a temporary password opens nothing else", b)
t.check(b["error"]["code"] == "password" and "修改密码" in b["error"]["message"], f"403 says why: {b}")
t.status(r.call("GET", "/api/me")[0], 200, "me with a temporary password")
st, b, _ = admin.call("GET", "/api/users")
t.check(any(u["login"] == "case02" and u["password_temporary"] for u in b["users"]), "the user list shows the reset")
st, b, _ = r.call("POST", "/api/me/password", {"old_password": "Reset-by-admin-42", "new_password": PW + "-own"})
t.status(st, 200, "the user chooses his own", b)
r = Session(BASE)
st, b, _ = r.login("case02", PW + "-own")
t.check(b["user"]["password_state"] == "ok" and b["user"]["password_expires_at"] > time.time() + 80 * 86400,
        f"his own password: ok, expires in 90 days: {b['user']}")
t.status(r.call("GET", "/api/cases")[0], 200, "and he works again")
st, b, _ = r.call("POST", "/api/me/password", {"old_password": PW + "-own", "new_password": PW})
t.status(st, 200, "case02 back to the common password", b)

# Idle expiry (3 s) and absolute expiry (8 s).
idle = Session(BASE)
idle.login("case02", PW)
t.status(idle.call("GET", "/api/me")[0], 200, "fresh session")
time.sleep(3.5)
t.status(idle.call("GET", "/api/me")[0], 401, "idle session")
busy = Session(BASE)
busy.login("case02", PW)
start = time.time()
alive = True
while time.time() - start < 7:
    alive &= busy.call("GET", "/api/me")[0] == 200
    time.sleep(1)
t.check(alive, "a session in use stays alive while under the absolute limit")
time.sleep(max(0, 8.5 - (time.time() - start)))
t.status(busy.call("GET", "/api/me")[0], 401, "session past its absolute limit")

t.finish()
