#!/usr/bin/env python3
"""Builds the abuseflow demo sample: one day (2001-09-18, EDT) of Code Red I,
Code Red II and Nimda as seen by a web server ("www1", Apache combined log)
and a firewall ("fw1", netfilter LOG lines in syslog), the offline RPSL
registry that names the owners, and the expected abuse contact per source.

    python3 demo/generate.py           write every file, then check them
    python3 demo/generate.py --check   only check the files already written

Python 3 standard library only; deterministic (fixed seed). Files are written
next to this script: logs/access.log, logs/firewall.log, registry/demo.db,
expected.tsv. All addresses and names are fictional: sources come from the
benchmarking range 198.18.0.0/15 and 2001:db8::/32, "our" network is
192.0.2.0/24 (and 2001:db8:ffff::/48), ordinary visitors come from
198.51.100.0/24 and 203.0.113.0/24, which the registry leaves uncovered.

The check re-reads the written files with a parser of its own (RPSL, the two
log formats, the worm signatures) and asserts that every event source is
covered, that its contact is the one in expected.tsv, and that the sizes are
in the intended ranges.
"""

import datetime
import ipaddress
import random
import re
import sys
from pathlib import Path

SEED = 20010918
HERE = Path(__file__).resolve().parent
ACCESS_LOG = HERE / "logs" / "access.log"
FIREWALL_LOG = HERE / "logs" / "firewall.log"
REGISTRY = HERE / "registry" / "demo.db"
EXPECTED = HERE / "expected.tsv"

DAY = datetime.date(2001, 9, 18)
EDT = datetime.timezone(datetime.timedelta(hours=-4), "EDT")
OUR_NET = ipaddress.ip_network("192.0.2.0/24")
OUR_NET6 = ipaddress.ip_network("2001:db8:ffff::/48")
UNCOVERED = [ipaddress.ip_network("203.0.113.0/24"), ipaddress.ip_network("198.51.100.0/24"),
             OUR_NET, OUR_NET6]
WWW1 = ipaddress.ip_address("192.0.2.80")
WWW1_V6 = ipaddress.ip_address("2001:db8:ffff::80")
UPTIME_AT_MIDNIGHT = 1203117.0  # fw1 was booted on 2001-09-04

# --------------------------------------------------------------------------
# The registry: providers, their blocks, and their contacts.
#
# Each block: range text, netname, descr, country, and how its contact is
# found (keys: abuse_c = role handle, irt = irt handle, org = organisation
# handle, mailbox = abuse-mailbox on the inetnum, comment = the mailbox of a
# "% Abuse contact for" line), children, and `hosts`: how many infected
# sources to place in the block outside its children. Blocks with none of
# those keys have no contact and inherit the covering block's.
# --------------------------------------------------------------------------

# Roles that carry an abuse-mailbox: handle -> (name, mailbox, address lines).
ABUSE_ROLES = {}
# Organisations: handle -> (org-name, org-type, abuse-c handle or None, address).
ORGS = {}
# irt objects: handle -> (mailbox, e-mail, address).
IRTS = {}


def role(handle, name, mailbox, *address):
    ABUSE_ROLES[handle] = (name, mailbox, address)
    return handle


def org(handle, name, org_type, abuse_c, *address):
    ORGS[handle] = (name, org_type, abuse_c, address)
    return handle


def block(rng, netname, descr, country, hosts=0, children=(), **how):
    return dict(range=rng, netname=netname, descr=descr, country=country, hosts=hosts,
                children=list(children), **how)


# Shared desks: one role used by several small providers, and two roles with
# the same mailbox.
TAB = role("TAB1-DEMO", "TransAtlantic Backbone Abuse Desk", "abuse@transatlantic-backbone.example",
           "TransAtlantic Backbone Ltd", "7 Quay Street", "Dublin", "IE")
PACRIM_SG = role("PRT1-DEMO", "Pacific Rim Transit Abuse (Singapore)", "abuse@pacificrim-transit.example",
                 "Pacific Rim Transit Pte", "12 Harbour Road", "Singapore", "SG")
PACRIM_NZ = role("PRT2-DEMO", "Pacific Rim Transit Abuse (Auckland)", "abuse@pacificrim-transit.example",
                 "Pacific Rim Transit NZ", "3 Wharf Lane", "Auckland", "NZ")
GNH = org("ORG-GNH1-DEMO", "GlobalNet Holdings S.A.", "OTHER",
          role("GNH1-DEMO", "GlobalNet Holdings Abuse Team", "abuse@globalnet.example",
               "GlobalNet Holdings S.A.", "Avenida Paulista 1000", "Sao Paulo", "BR"),
          "Avenida Paulista 1000", "Sao Paulo", "BR")

PROVIDERS = [
    dict(key="skyline", name="Skyline Cable Inc.", country="US", city="Denver",
         abuse="abuse@skylinecable.example",
         block=block("198.18.0.0 - 198.18.63.255", "SKYLINE-CABLE-NET", "Skyline Cable Inc.", "US",
                     hosts=30, org="ORG-SC1-DEMO", children=[
                         block("198.18.4.0 - 198.18.6.255", "SKY-BUSINESS-EAST",
                               "Skyline Cable business customers, east region", "US", hosts=6,
                               org_noabuse=("ORG-SBE1-DEMO", "Skyline Business Services")),
                         block("198.18.20.0 - 198.18.20.255", "HARBOR-DENTAL",
                               "Harbor Dental Group, office network", "US", hosts=3,
                               customer=("harbordental", "Harbor Dental Group",
                                         "abuse@harbordental.example")),
                         block("198.18.32.0 - 198.18.47.255", "SKY-CM-POOL-3",
                               "Skyline Cable cable modem pool 3", "US", hosts=12),
                     ])),
    dict(key="hanriver", name="Han River Broadband Co., Ltd.", country="KR", city="Seoul",
         abuse="abuse@hanriver-bb.example",
         block=block("198.18.128.0 - 198.18.191.255", "HANRIVER-BB-KR", "Han River Broadband Co., Ltd.",
                     "KR", hosts=40, org="ORG-HRB1-DEMO", children=[
                         block("198.18.150.0 - 198.18.150.255", "SINCHON-NETCAFE",
                               "Sinchon Net Cafe Cooperative", "KR", hosts=4,
                               customer=("sinchon", "Sinchon Net Cafe Cooperative",
                                         "abuse@sinchon-netcafe.example")),
                     ])),
    dict(key="northwind", name="Northwind DSL Ltd.", country="CA", city="Toronto",
         abuse="abuse@northwind-dsl.example",
         block=block("198.18.64.0 - 198.18.95.255", "NORTHWIND-DSL", "Northwind DSL Ltd.", "CA",
                     hosts=18, children=[
                         block("198.18.70.0 - 198.18.72.255", "NWD-DYN-TORONTO",
                               "Northwind DSL dynamic pool, Toronto", "CA", hosts=8),
                         block("198.18.88.0 - 198.18.88.127", "PINE-VALLEY-SD",
                               "Pine Valley School District", "CA", hosts=2,
                               customer=("pinevalley", "Pine Valley School District",
                                         "abuse@pinevalley-schools.example")),
                     ])),
    dict(key="jadedragon", name="Jade Dragon Telecom", country="CN", city="Shanghai",
         abuse="abuse@jadedragon-telecom.example",
         block=block("198.19.0.0 - 198.19.31.255", "JADEDRAGON-CN", "Jade Dragon Telecom", "CN",
                     hosts=22, org="ORG-JDT1-DEMO")),
    dict(key="formosa", name="Formosa Link Corp.", country="TW", city="Taipei",
         abuse="abuse@formosa-link.example",
         block=block("198.18.224.0 - 198.18.255.255", "FORMOSA-LINK", "Formosa Link Corp.", "TW",
                     hosts=14, children=[
                         block("198.18.230.0 - 198.18.233.255", "TSP-NET",
                               "Taipei Science Park network", "TW", hosts=3,
                               org_abuse=("ORG-TSP1-DEMO", "Taipei Science Park Administration",
                                          "TSP1-DEMO", "abuse@tsp-net.example")),
                     ])),
    dict(key="ironclad", name="Ironclad Hosting LLC", country="US", city="Dallas",
         abuse="abuse@ironclad-hosting.example",
         block=block("198.18.112.0 - 198.18.126.255", "IRONCLAD-HOSTING", "Ironclad Hosting LLC", "US",
                     hosts=9, children=[
                         block("198.18.116.0 - 198.18.119.255", "COBALT-RESELLER",
                               "Cobalt Web Reseller, virtual servers", "US", hosts=3,
                               customer=("cobalt", "Cobalt Web Reseller",
                                         "abuse@cobalt-reseller.example"),
                               children=[
                                   block("198.18.118.0 - 198.18.118.255", "COBALT-WEBFARM-7",
                                         "Cobalt web farm 7", "US", hosts=3),
                               ]),
                     ])),
    dict(key="lakeside", name="Lakeside University", country="US", city="Madison",
         abuse="abuse@lakeside-university.example",
         block=block("198.18.96.0 - 198.18.111.255", "LAKESIDE-UNIV", "Lakeside University", "US",
                     hosts=8, irt=("IRT-LAKESIDE-CERT", "cert@lakeside-university.example"), children=[
                         block("198.18.104.0 - 198.18.104.255", "LAKESIDE-RESNET",
                               "Lakeside University residence halls", "US", hosts=5),
                     ])),
    dict(key="fjord", name="Fjord Online AS", country="NO", city="Bergen", shared=TAB,
         block=block("198.18.192.0 - 198.18.199.255", "FJORD-ONLINE", "Fjord Online AS", "NO", hosts=4)),
    dict(key="kestrel", name="Kestrel Net Ltd", country="IE", city="Cork", shared=TAB,
         block=block("198.18.200.0 - 198.18.203.255", "KESTREL-NET", "Kestrel Net Ltd", "IE", hosts=3)),
    dict(key="alpine", name="Alpine Wireless GmbH", country="CH", city="Chur", shared=TAB,
         block=block("198.18.204.0 - 198.18.206.255", "ALPINE-WIRELESS", "Alpine Wireless GmbH", "CH",
                     hosts=2)),
    dict(key="gnbr", name="GlobalNet Brasil Ltda", country="BR", city="Sao Paulo", via_org=GNH,
         block=block("198.18.208.0 - 198.18.215.255", "GLOBALNET-BR", "GlobalNet Brasil Ltda", "BR",
                     hosts=7, org=GNH)),
    dict(key="gnmx", name="GlobalNet Mexico S.A. de C.V.", country="MX", city="Monterrey", via_org=GNH,
         block=block("198.18.216.0 - 198.18.219.255", "GLOBALNET-MX", "GlobalNet Mexico S.A. de C.V.",
                     "MX", hosts=3, org=GNH)),
    dict(key="oldmill", name="Old Mill Computing", country="GB", city="Leeds", legacy=True,
         block=block("198.18.220.0 - 198.18.220.255", "OLDMILL-NET", "Old Mill Computing (legacy)", "GB",
                     hosts=2, mailbox="abuse@oldmill.example")),
    dict(key="meridian", name="Meridian Telecom S.p.A.", country="IT", city="Milano",
         abuse="noc@meridian-telecom.example",
         block=block("198.19.40.0 - 198.19.40.255", "MERIDIAN-DIAL", "Meridian Telecom dial-up", "IT",
                     hosts=5, comment="abuse@meridian-telecom.example")),
    dict(key="lioncity", name="Lion City Net Pte", country="SG", city="Singapore", shared=PACRIM_SG,
         block=block("198.19.44.0 - 198.19.45.255", "LIONCITY-NET", "Lion City Net Pte", "SG", hosts=2)),
    dict(key="kiwi", name="Kiwi Broadband Ltd", country="NZ", city="Auckland", shared=PACRIM_NZ,
         block=block("198.19.46.0 - 198.19.46.255", "KIWI-BB", "Kiwi Broadband Ltd", "NZ", hosts=1)),
]

SMALL = [  # key, name, country, city, range, hosts
    ("tulip", "Tulip Telecom B.V.", "NL", "Utrecht", "198.19.48.0 - 198.19.51.255", 3),
    ("sakura", "Sakura Broadband K.K.", "JP", "Osaka", "198.19.52.0 - 198.19.55.255", 4),
    ("maple", "Maple Leaf Cable", "CA", "Halifax", "198.19.56.0 - 198.19.57.255", 2),
    ("danube", "Danube Net GmbH", "AT", "Linz", "198.19.58.0 - 198.19.58.255", 1),
    ("baltic", "Baltic Fiber SIA", "LV", "Riga", "198.19.60.0 - 198.19.61.127", 1),
    ("andes", "Andes Online S.A.C.", "PE", "Lima", "198.19.64.0 - 198.19.67.255", 2),
    ("sahara", "Sahara Data SARL", "MA", "Casablanca", "198.19.68.0 - 198.19.68.255", 1),
    ("nile", "Nile Connect S.A.E.", "EG", "Cairo", "198.19.72.0 - 198.19.75.255", 2),
    ("ganges", "Ganges Networks Pvt Ltd", "IN", "Pune", "198.19.80.0 - 198.19.87.255", 5),
    ("pampas", "Pampas Internet S.A.", "AR", "Cordoba", "198.19.96.0 - 198.19.99.255", 3),
    ("highland", "Highland Dialup Ltd", "GB", "Inverness", "198.19.100.0 - 198.19.101.255", 2),
    ("bavaria", "Bavaria Netz GmbH", "DE", "Regensburg", "198.19.104.0 - 198.19.111.255", 6),
    ("provence", "Provence Telecom SARL", "FR", "Avignon", "198.19.112.0 - 198.19.115.255", 4),
    ("iberia", "Iberia Cable S.L.", "ES", "Valencia", "198.19.116.0 - 198.19.118.255", 3),
    ("adriatic", "Adriatic Online d.o.o.", "HR", "Split", "198.19.120.0 - 198.19.120.255", 1),
    ("bosphorus", "Bosphorus Link A.S.", "TR", "Izmir", "198.19.124.0 - 198.19.127.255", 2),
    ("volga", "Volga Telecom ZAO", "RU", "Samara", "198.19.128.0 - 198.19.143.255", 7),
    ("vistula", "Vistula Online Sp. z o.o.", "PL", "Krakow", "198.19.144.0 - 198.19.147.255", 3),
    ("gulfstream", "Gulf Stream Cable Corp.", "US", "Tampa", "198.19.160.0 - 198.19.175.255", 10),
    ("prairie", "Prairie Wireless Inc.", "US", "Fargo", "198.19.176.0 - 198.19.177.255", 2),
    ("bayou", "Bayou Online LLC", "US", "Baton Rouge", "198.19.178.0 - 198.19.178.255", 1),
]

# IPv6 blocks: (provider key, range, netname, descr, hosts, children)
V6_BLOCKS = [
    ("tulip", "2001:db8:1000::/36", "TULIP-V6", "Tulip Telecom IPv6 pilot", 2, []),
    ("sakura", "2001:db8:4000::/34", "SAKURA-V6", "Sakura Broadband IPv6 service", 1,
     [("2001:db8:4000:100::/56", "SAKURA-V6-LAB", "Sakura Broadband IPv6 lab", 1)]),
]

# Routers that send ICMP errors back to us: (provider key, address).
ROUTERS = [("jadedragon", "198.19.3.1"), ("volga", "198.19.130.1")]

for key, name, country, city, rng, hosts in SMALL:
    PROVIDERS.append(dict(key=key, name=name, country=country, city=city,
                          abuse=f"abuse@{key}.example",
                          block=block(rng, key.upper() + "-NET", name, country, hosts=hosts)))

PROVIDER = {p["key"]: p for p in PROVIDERS}
for p in PROVIDERS:  # the provider's own mail domain, for hostmaster and maintainer addresses
    p["domain"] = p["abuse"].split("@")[1] if "abuse" in p else p["key"] + ".example"

FIRST_NAMES = ["Alex", "Maria", "Jun", "Olga", "Pedro", "Ingrid", "Amir", "Chloe", "Ravi", "Sven",
               "Mei", "Tomasz", "Aisha", "Luca", "Hana", "Diego", "Fatima", "Niels", "Yuki", "Carmen"]
LAST_NAMES = ["Smith", "Rossi", "Kim", "Ivanova", "Silva", "Berg", "Haddad", "Martin", "Patel",
              "Lund", "Chen", "Nowak", "Bello", "Bianchi", "Sato", "Garcia", "Mansour", "Jensen"]


def parse_range(text):
    text = text.strip()
    if "-" in text:
        a, b = (s.strip() for s in text.split("-"))
        return ipaddress.ip_address(a), ipaddress.ip_address(b)
    net = ipaddress.ip_network(text)
    return net[0], net[-1]


class Registry:
    """Renders the provider specs to RPSL objects, and knows each block's contact."""

    def __init__(self, rnd):
        self.rnd = rnd
        self.objects = []        # (sort key, text, comment line or None)
        self.other = []          # non-inetnum objects, in order
        self.leaves = []         # (first, last, contact, hosts, excluded children ranges, provider key)
        self.persons = set()

    def person(self, provider):
        first, last = self.rnd.choice(FIRST_NAMES), self.rnd.choice(LAST_NAMES)
        handle = f"{first[0]}{last[0]}{self.rnd.randrange(10, 999)}-DEMO"
        while handle in self.persons:
            handle = f"{first[0]}{last[0]}{self.rnd.randrange(10, 999)}-DEMO"
        self.persons.add(handle)
        self.other.append(("person", [
            ("person", f"{first} {last}"),
            ("address", provider["name"]),
            ("address", provider["city"]),
            ("address", provider["country"]),
            ("phone", f"+{self.rnd.randrange(1, 99)} {self.rnd.randrange(10, 99)} "
                      f"{self.rnd.randrange(1000000, 9999999)}"),
            ("nic-hdl", handle),
            ("mnt-by", provider["mnt"]),
            ("changed", f"hostmaster@{provider['domain']} 2001{self.rnd.randrange(1, 9):02d}"
                        f"{self.rnd.randrange(1, 28):02d}"),
            ("source", "DEMO"),
        ]))
        return handle

    def build(self):
        used_roles, used_orgs = set(), set()
        for p in PROVIDERS:
            p["mnt"] = p["key"].upper() + "-MNT"
            self.other.append(("mntner", [
                ("mntner", p["mnt"]),
                ("descr", f"Maintainer for {p['name']}"),
                ("admin-c", "DEMO-HM1-DEMO"),
                ("upd-to", f"hostmaster@{p['domain']}"),
                ("auth", "CRYPT-PW # Filtered"),
                ("mnt-by", p["mnt"]),
                ("source", "DEMO # Filtered"),
            ]))
            p["admin"] = self.person(p)
            if "abuse" in p:
                p["abuse_role"] = p["key"].upper()[:4] + "A1-DEMO"
                ABUSE_ROLES[p["abuse_role"]] = (f"{p['name']} Abuse Team", p["abuse"],
                                                (p["name"], p["city"], p["country"]))
            contact = self.render(p, p["block"], None, parent_contact=None, top=True,
                                  used_roles=used_roles, used_orgs=used_orgs)
            p["contact"] = contact
        for key, rng, netname, descr, hosts, children in V6_BLOCKS:
            p = PROVIDER[key]
            first, last = parse_range(rng)
            self.objects.append(((6, int(first), -int(last)), [
                ("inet6num", rng), ("netname", netname), ("descr", descr),
                ("country", p["country"]), ("admin-c", p["admin"]), ("tech-c", p["admin"]),
                ("abuse-c", p["abuse_role"]), ("status", "ASSIGNED"), ("mnt-by", p["mnt"]),
                ("changed", f"hostmaster@{p['domain']} 20010801"), ("source", "DEMO")], None))
            used_roles.add(p["abuse_role"])
            excl = [parse_range(c[0]) for c in children]
            self.leaves.append((first, last, p["contact"], hosts, excl, key))
            for crng, cname, cdescr, chosts in children:
                cf, cl = parse_range(crng)
                self.objects.append(((6, int(cf), -int(cl)), [
                    ("inet6num", crng), ("netname", cname), ("descr", cdescr),
                    ("country", p["country"]), ("admin-c", p["admin"]), ("tech-c", p["admin"]),
                    ("status", "ASSIGNED"), ("mnt-by", p["mnt"]),
                    ("changed", f"hostmaster@{p['domain']} 20010815"), ("source", "DEMO")], None))
                self.leaves.append((cf, cl, p["contact"], chosts, [], key))
        for handle in sorted(used_orgs):
            name, org_type, abuse_c, address = ORGS[handle]
            attrs = [("organisation", handle), ("org-name", name), ("org-type", org_type)]
            attrs += [("address", a) for a in address]
            if abuse_c:
                attrs.append(("abuse-c", abuse_c))
                used_roles.add(abuse_c)
            attrs += [("mnt-by", "DEMO-HM-MNT"), ("source", "DEMO")]
            self.other.append(("organisation", attrs))
        for handle, (mailbox, email, address) in sorted(IRTS.items()):
            self.other.append(("irt", [("irt", handle)] + [("address", a) for a in address] + [
                ("e-mail", email), ("abuse-mailbox", mailbox), ("auth", "CRYPT-PW # Filtered"),
                ("admin-c", "DEMO-HM1-DEMO"), ("tech-c", "DEMO-HM1-DEMO"),
                ("mnt-by", "DEMO-HM-MNT"), ("source", "DEMO")]))
        for handle in sorted(used_roles):
            name, mailbox, address = ABUSE_ROLES[handle]
            domain = mailbox.split("@")[1]
            self.other.append(("role", [("role", name)] + [("address", a) for a in address] + [
                ("e-mail", f"noc@{domain}"), ("abuse-mailbox", mailbox),
                ("admin-c", "DEMO-HM1-DEMO"), ("tech-c", "DEMO-HM1-DEMO"), ("nic-hdl", handle),
                ("mnt-by", "DEMO-HM-MNT"), ("source", "DEMO")]))

    def render(self, p, b, parent, parent_contact, top, used_roles, used_orgs):
        first, last = parse_range(b["range"])
        attrs = [("inetnum", f"{first} - {last}"), ("netname", b["netname"]), ("descr", b["descr"])]
        if top:
            attrs.append(("descr", p["city"] + ", " + p["country"]))
        attrs.append(("country", b["country"]))
        contacts = []  # in the reader's order: comment, irt, abuse-c, org abuse-c, mailbox
        comment = None
        if "comment" in b:
            comment = f"% Abuse contact for '{first} - {last}' is '{b['comment']}'"
            contacts.append(("comment", b["comment"]))
        org_handle = None
        if b.get("org"):
            org_handle = b["org"]
            if org_handle not in ORGS:  # a provider's own organisation, without abuse-c
                org(org_handle, p["name"], "LIR", None, p["name"], p["city"], p["country"])
        if "org_noabuse" in b:
            org_handle, name = b["org_noabuse"]
            org(org_handle, name, "OTHER", None, p["name"], p["city"], p["country"])
        if "org_abuse" in b:
            org_handle, name, role_handle, mailbox = b["org_abuse"]
            role(role_handle, name + " Abuse", mailbox, name, p["city"], p["country"])
            org(org_handle, name, "OTHER", role_handle, p["city"], p["country"])
        if org_handle:
            attrs.append(("org", org_handle))
            used_orgs.add(org_handle)
        attrs.append(("admin-c", p["admin"]))
        attrs.append(("tech-c", p["admin"]))
        abuse_c = None
        if "customer" in b:
            ckey, cname, cmailbox = b["customer"]
            abuse_c = role(ckey.upper()[:4] + "A2-DEMO", cname + " Abuse", cmailbox, cname,
                           p["city"], p["country"])
        elif top and p.get("shared"):
            abuse_c = p["shared"]
        elif top and "abuse_role" in p:
            abuse_c = p["abuse_role"]
        if "irt" in b:
            ihandle, imailbox = b["irt"]
            IRTS[ihandle] = (imailbox, imailbox.replace("cert@", "security@"),
                             (p["name"] + " CERT", p["city"], p["country"]))
            contacts.append(("irt", imailbox))
        if abuse_c:
            attrs.append(("abuse-c", abuse_c))
            used_roles.add(abuse_c)
            contacts.append(("abuse-c", ABUSE_ROLES[abuse_c][1]))
        if org_handle and ORGS[org_handle][2]:
            contacts.append(("org", ABUSE_ROLES[ORGS[org_handle][2]][1]))
        attrs.append(("status", "LEGACY" if p.get("legacy") else
                      "ALLOCATED PA" if top else "ASSIGNED PA"))
        attrs.append(("mnt-by", p["mnt"]))
        if "irt" in b:
            attrs.append(("mnt-irt", b["irt"][0]))
        if "mailbox" in b:
            attrs.append(("abuse-mailbox", b["mailbox"]))
            contacts.append(("mailbox", b["mailbox"]))
        attrs.append(("changed", f"hostmaster@{p['domain']} 2001{self.rnd.randrange(1, 9):02d}"
                                 f"{self.rnd.randrange(1, 28):02d}"))
        attrs.append(("source", "DEMO"))
        contact = contacts[0][1] if contacts else parent_contact
        assert contact, b["netname"]
        self.objects.append(((4, int(first), -int(last)), attrs, comment))
        excl = [parse_range(c["range"]) for c in b["children"]]
        self.leaves.append((first, last, contact, b["hosts"], excl, p["key"]))
        for c in b["children"]:
            self.render(p, c, b, contact, False, used_roles, used_orgs)
        return contact

    def text(self):
        out = [
            "#",
            "# abuseflow demo registry: an RPSL file in the style of a RIPE database dump.",
            "# Every provider, person, address and mailbox here is FICTIONAL. Blocks lie in",
            "# 198.18.0.0/15 (benchmarking) and 2001:db8::/32 (documentation) only;",
            "# 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 are deliberately not covered.",
            "# Written by demo/generate.py (seed %d); do not edit by hand." % SEED,
            "#",
            "",
        ]

        def fmt(attrs):
            return "\n".join(f"{(name + ':'):<16}{value}" for name, value in attrs)

        for _, attrs, comment in sorted(self.objects, key=lambda o: o[0]):
            out.append((comment + "\n" if comment else "") + fmt(attrs))
            out.append("")
        out.append(fmt([("person", "Demo Hostmaster"), ("address", "Demo Registry"),
                        ("phone", "+1 555 0199"), ("nic-hdl", "DEMO-HM1-DEMO"),
                        ("mnt-by", "DEMO-HM-MNT"), ("source", "DEMO")]))
        out.append("")
        out.append(fmt([("mntner", "DEMO-HM-MNT"), ("descr", "Demo registry hostmaster"),
                        ("admin-c", "DEMO-HM1-DEMO"), ("upd-to", "hostmaster@registry.example"),
                        ("auth", "CRYPT-PW # Filtered"), ("mnt-by", "DEMO-HM-MNT"),
                        ("source", "DEMO # Filtered")]))
        out.append("")
        order = {"organisation": 0, "irt": 1, "role": 2, "person": 3, "mntner": 4}
        for cls, attrs in sorted(self.other, key=lambda o: order[o[0]]):
            out.append(fmt(attrs))
            out.append("")
        return "\n".join(out)


# --------------------------------------------------------------------------
# Sources and their behaviour.
# --------------------------------------------------------------------------

CODE_RED_TAIL = ("%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801"
                 "%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a")
NIMDA_TARGETS = [
    "/scripts/root.exe?/c+dir",
    "/MSADC/root.exe?/c+dir",
    "/c/winnt/system32/cmd.exe?/c+dir",
    "/d/winnt/system32/cmd.exe?/c+dir",
    "/scripts/..%5c../winnt/system32/cmd.exe?/c+dir",
    "/_vti_bin/..%5c../..%5c../..%5c../winnt/system32/cmd.exe?/c+dir",
    "/_mem_bin/..%5c../..%5c../..%5c../winnt/system32/cmd.exe?/c+dir",
    "/msadc/..%5c../..%5c../..%5c/..\\xc1\\x1c../..\\xc1\\x1c../..\\xc1\\x1c../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..\\xc1\\x1c../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..\\xc0/../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..\\xc0\\xaf../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..\\xc1\\x9c../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..%35c../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..%35c../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..%25%35%63../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..%252f../winnt/system32/cmd.exe?/c+dir",
]


def code_red_request(letter):
    return f"GET /default.ida?{letter * 224}{CODE_RED_TAIL} HTTP/1.0"


def t_at(seconds):
    """A datetime on DAY, `seconds` after local midnight (EDT)."""
    return datetime.datetime.combine(DAY, datetime.time(), EDT) + datetime.timedelta(seconds=seconds)


def apache_stamp(t):
    return t.strftime("%d/%b/%Y:%H:%M:%S -0400")


def not_found_bytes(target):
    path = target.split("?")[0]
    return 219 + len(path)  # Apache/1.3's 404 page names the path


class Day:
    def __init__(self, rnd, registry):
        self.rnd = rnd
        self.reg = registry
        self.access = []    # (seconds, seq, line)
        self.firewall = []  # (seconds, seq, line)
        self.seq = 0
        self.expected = {}  # address -> contact
        self.fw_ids = {}

    def add_access(self, sec, line):
        self.seq += 1
        self.access.append((sec, self.seq, line))

    def add_fw(self, sec, line):
        self.seq += 1
        self.firewall.append((sec, self.seq, line))

    # -- placing sources -------------------------------------------------
    def pick_hosts(self):
        rnd, taken = self.rnd, set()
        sources = []  # (address, contact, provider key)
        for first, last, contact, hosts, excl, key in self.reg.leaves:
            for _ in range(hosts):
                while True:
                    value = rnd.randrange(int(first), int(last) + 1)
                    a = ipaddress.ip_address(value)
                    if a.version == 6:
                        # hosts in a /64, as autoconfigured or numbered by hand
                        a = ipaddress.ip_address(value & ~((1 << 64) - 1) | rnd.choice(
                            [rnd.randrange(2, 0x200), rnd.randrange(1 << 48, 1 << 63)]))
                        if not first <= a <= last:
                            continue
                    elif value & 0xff in (0, 1, 255):
                        continue
                    if a in taken or any(lo <= a <= hi for lo, hi in excl):
                        continue
                    break
                taken.add(a)
                sources.append((a, contact, key))
        return sources

    # -- the web server --------------------------------------------------
    def nimda(self, a, start):
        sec = start
        for i, target in enumerate(NIMDA_TARGETS):
            if i and self.rnd.random() < 0.55:
                sec += self.rnd.choice([0, 1, 1, 2, 3])
            status, size = (404, not_found_bytes(target))
            if "%252f" in target and self.rnd.random() < 0.3:
                status, size = (400, 287)
            self.add_access(sec, f'{a} - - [{apache_stamp(t_at(sec))}] "GET {target} HTTP/1.0" '
                                 f'{status} {size} "-" "-"')
        return sec

    def code_red(self, a, sec, letter):
        self.add_access(sec, f'{a} - - [{apache_stamp(t_at(sec))}] "{code_red_request(letter)}" '
                             f'404 {not_found_bytes("/default.ida")} "-" "-"')

    # -- the firewall ----------------------------------------------------
    def kernel(self, sec, text):
        # the uptime is filled in by write(), rising with the lines
        self.add_fw(sec, f"{t_at(sec).strftime('%b %d %H:%M:%S')} fw1 kernel: [@UPTIME@] {text}")

    def mac(self):
        return "00:50:56:3c:1a:02:00:d0:bc:21:7e:80:08:00"

    @staticmethod
    def prefix(dst, dport):
        """The log prefix of the rule that dropped the packet. The rule for the
        servers' subnet (.200 and up) has a prefix without the trailing space."""
        if dst.version == 4 and int(dst) & 0xff >= 200:
            return "FW-DROP"
        if dport in (21, 23, 111, 1433, 137):
            return "PORTSCAN: "
        return "DROP-IN6: " if dst.version == 6 else "DROP-IN: "

    def ip_id(self):
        return self.rnd.randrange(256, 65535)

    def syn(self, sec, a, dst, dport, ttl, spt, kind="worm", window=8192, retries=(0,)):
        pid = self.ip_id()
        pre = self.prefix(dst, dport)
        for k, delay in enumerate(retries):
            if a.version == 6:
                text = (f"{pre}IN=eth0 OUT= MAC={self.mac()} SRC={a.exploded} DST={dst.exploded} "
                        f"LEN=80 TC=0 HOPLIMIT={ttl} FLOWLBL=0 PROTO=TCP SPT={spt} DPT={dport} "
                        f"WINDOW={window} RES=0x00 SYN URGP=0")
            else:
                text = (f"{pre}IN=eth0 OUT= MAC={self.mac()} SRC={a} DST={dst} LEN=48 TOS=0x00 "
                        f"PREC=0x00 TTL={ttl} ID={(pid + k) % 65536} DF PROTO=TCP SPT={spt} "
                        f"DPT={dport} WINDOW={window} RES=0x00 SYN URGP=0")
            self.kernel(sec + delay, text)

    def udp(self, sec, a, dst, sport, dport, ttl, length):
        self.kernel(sec, f"{self.prefix(dst, dport)}IN=eth0 OUT= MAC={self.mac()} SRC={a} DST={dst} "
                         f"LEN={length + 20} TOS=0x00 PREC=0x00 TTL={ttl} ID={self.ip_id()} "
                         f"PROTO=UDP SPT={sport} DPT={dport} LEN={length}")

    def ping(self, sec, a, dst, ttl, seq):
        self.kernel(sec, f"{self.prefix(dst, 0)}IN=eth0 OUT= MAC={self.mac()} SRC={a} DST={dst} LEN=60 "
                         f"TOS=0x00 PREC=0x00 TTL={ttl} ID={self.ip_id()} PROTO=ICMP TYPE=8 "
                         f"CODE=0 ID=512 SEQ={seq}")

    def our(self, exclude_www=True):
        while True:
            host = self.rnd.choice([1, 2, 3, 10, 11, 12, 20, 25, 33, 53, 66, 77, 100, 101, 110,
                                    130, 150, 200, 201, 222, 240])
            a = OUR_NET[host]
            if not (exclude_www and a == WWW1):
                return a

    # -- ordinary traffic ------------------------------------------------
    def ordinary(self):
        rnd = self.rnd
        browsers = [
            "Mozilla/4.0 (compatible; MSIE 5.5; Windows 98; Win 9x 4.90)",
            "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.0)",
            "Mozilla/4.0 (compatible; MSIE 5.01; Windows NT 5.0)",
            "Mozilla/4.77 [en] (X11; U; Linux 2.4.2-2 i686)",
            "Mozilla/4.78 [en] (Windows NT 5.0; U)",
            "Mozilla/5.0 (X11; U; Linux i686; en-US; rv:0.9.4) Gecko/20010913",
            "Mozilla/4.0 (compatible; MSIE 5.0; Mac_PowerPC)",
            "Lynx/2.8.4rel.1 libwww-FM/2.14",
            "Opera/5.12 (Windows 98; U)  [en]",
        ]
        robots = [
            "Googlebot/2.1 (+http://www.googlebot.com/bot.html)",
            "Scooter/3.2",
            "ia_archiver",
            "Mozilla/3.0 (Slurp/si; slurp@inktomi.com; http://www.inktomi.com/slurp.html)",
            "FAST-WebCrawler/3.3 (crawler@fast.no; http://fast.no/support.php?c=faqs/crawler)",
        ]
        pages = [("/", 5213), ("/index.html", 5213), ("/people/index.html", 8120),
                 ("/research/index.html", 6544), ("/courses/phys101/index.html", 4410),
                 ("/courses/phys101/syllabus.html", 10231), ("/courses/phys201/hw3.pdf", 88412),
                 ("/seminars/2001-fall.html", 7033), ("/colloquium/index.html", 3921),
                 ("/~pat/index.html", 2210), ("/news/2001-09.html", 6120)]
        images = [("/images/logo.gif", 3411), ("/images/bg.jpg", 12877), ("/images/dot.gif", 43),
                  ("/css/physics.css", 1840), ("/images/building.jpg", 40211)]
        visitors = [ipaddress.ip_address(f"198.51.100.{h}") for h in rnd.sample(range(2, 254), 70)]
        visitors += [ipaddress.ip_address(f"203.0.113.{h}") for h in rnd.sample(range(2, 254), 60)]
        visitors += [OUR_NET[h] for h in (33, 101, 110, 150)]
        crawlers = [ipaddress.ip_address(f"203.0.113.{h}") for h in (5, 6, 7)] + \
                   [ipaddress.ip_address(f"198.51.100.{h}") for h in (250, 251)]

        def session(sec, host, agent, ref0):
            page, size = rnd.choice(pages)
            ref = ref0
            lines = [(page, 200, size, ref)]
            for img, isize in rnd.sample(images, rnd.randrange(1, 4)):
                if rnd.random() < 0.3:
                    lines.append((img, 304, "-", "http://www1.example.net" + page))
                else:
                    lines.append((img, 200, isize, "http://www1.example.net" + page))
            if rnd.random() < 0.15:
                lines.append(("/favicon.ico", 404, 290, "-"))
            if rnd.random() < 0.4:
                page2, size2 = rnd.choice(pages)
                lines.append((page2, 200, size2, "http://www1.example.net" + page))
            for path, status, nbytes, referer in lines:
                self.add_access(sec, f'{host} - - [{apache_stamp(t_at(sec))}] "GET {path} HTTP/1.1" '
                                     f'{status} {nbytes} "{referer}" "{agent}"')
                sec += rnd.choice([0, 0, 1, 1, 2, 5])

        # first and last lines of the day
        session(5 * 60 + 7, rnd.choice(visitors), browsers[0], "-")
        for _ in range(190):
            # more visitors by day than by night
            hour = rnd.choices(range(24), weights=[2, 1, 1, 1, 1, 1, 2, 4, 8, 10, 11, 11, 9, 10,
                                                   11, 10, 9, 7, 5, 5, 5, 4, 3, 2])[0]
            sec = hour * 3600 + rnd.randrange(3600)
            sec = min(max(sec, 6 * 60), 23 * 3600 + 49 * 60)
            ref = rnd.choice(["-", "-", "-", "http://www.google.com/search?q=physics+department",
                              "http://www.example.edu/links.html"])
            session(sec, rnd.choice(visitors), rnd.choice(browsers), ref)
        for c in crawlers:
            for _ in range(rnd.randrange(3, 8)):
                sec = rnd.randrange(10 * 60, 23 * 3600 + 40 * 60)
                agent = rnd.choice(robots)
                self.add_access(sec, f'{c} - - [{apache_stamp(t_at(sec))}] "GET /robots.txt HTTP/1.0" '
                                     f'200 68 "-" "{agent}"')
                for _ in range(rnd.randrange(1, 4)):
                    sec += rnd.randrange(2, 40)
                    page, size = rnd.choice(pages)
                    self.add_access(sec, f'{c} - - [{apache_stamp(t_at(sec))}] "GET {page} HTTP/1.0" '
                                         f'200 {size} "-" "{agent}"')
        # a HEAD from a link checker and a POST to the search form: still no probes
        self.add_access(14 * 3600 + 2 * 60 + 9, f'198.51.100.77 - - [{apache_stamp(t_at(14 * 3600 + 129))}] '
                                               f'"HEAD /index.html HTTP/1.0" 200 0 "-" "LinkChecker/1.3"')
        self.add_access(16 * 3600 + 44 * 60 + 2, f'203.0.113.90 - - [{apache_stamp(t_at(16 * 3600 + 2642))}] '
                                                 f'"POST /cgi-bin/search.pl HTTP/1.1" 200 2871 '
                                                 f'"http://www1.example.net/" "{browsers[1]}"')
        session(23 * 3600 + 50 * 60 + 2, rnd.choice(visitors), browsers[3], "-")

    def syslog_noise(self):
        rnd = self.rnd
        sec = 0
        for hour in range(24):
            self.add_fw(hour * 3600 + 1 * 60 + 1, f"{t_at(hour * 3600 + 61).strftime('%b %d %H:%M:%S')} "
                                                  "fw1 /USR/SBIN/CRON[%d]: (root) CMD (   run-parts /etc/cron.hourly)"
                        % (2000 + hour * 37))
        for sec, text in [
            (2 * 3600 + 20 * 60 + 1, "fw1 -- MARK --"),
            (6 * 3600 + 25 * 60 + 3, "fw1 syslogd 1.4.1: restart."),
            (6 * 3600 + 25 * 60 + 4, "fw1 kernel: klogd 1.4.1, log source = /proc/kmsg started."),
            (7 * 3600 + 58 * 60 + 40, "fw1 sshd[812]: Accepted password for pat from 192.0.2.33 port 1022 ssh2"),
            (11 * 3600 + 3 * 60 + 17, "fw1 ntpd[512]: synchronized to 192.0.2.1, stratum 2"),
            (17 * 3600 + 30 * 60 + 55, "fw1 sshd[1377]: Accepted password for pat from 192.0.2.33 port 1031 ssh2"),
            (21 * 3600 + 12 * 60 + 9, "fw1 ntpd[512]: time reset -0.318221 s"),
        ]:
            self.add_fw(sec, f"{t_at(sec).strftime('%b %d %H:%M:%S')} {text}")
        for sec, text in [(9 * 3600 + 44 * 60 + 12, "NET: 12 messages suppressed."),
                          (11 * 3600 + 20 * 60 + 31, "NET: 7 messages suppressed."),
                          (4 * 3600 + 12 * 60 + 55, "eth0: link down"),
                          (4 * 3600 + 12 * 60 + 58, "eth0: link up, 100Mbps, full-duplex, lpa 0x45E1"),
                          (13 * 3600 + 5 * 60 + 41, "NET: 23 messages suppressed.")]:
            self.kernel(sec, text)

    # -- the whole day ---------------------------------------------------
    def make(self):
        rnd = self.rnd
        sources = self.pick_hosts()
        rnd.shuffle(sources)
        nimda_onset = 8 * 3600 + 52 * 60

        def worm_time(kind):
            if kind == "nimda":
                # the outbreak: a few hosts at first, then most of them by midday and after
                return int(nimda_onset + (23 * 3600 + 40 * 60 - nimda_onset) * rnd.random() ** 1.3)
            return rnd.randrange(7 * 60, 23 * 3600 + 45 * 60)

        for a, contact, key in sources:
            self.expected[a] = contact
            r = rnd.random()
            if a.version == 6:
                kind = "nimda" if r < 0.6 else "cr1"
            else:
                kind = ("nimda" if r < 0.42 else "cr1" if r < 0.64 else "cr2" if r < 0.75
                        else "fwworm" if r < 0.87 else "scan")
            ttl = rnd.choice([103, 107, 110, 112, 113, 114, 116, 117, 119, 121])
            if kind == "nimda":
                start = worm_time("nimda")
                end = self.nimda(a, start)
                if rnd.random() < 0.22:  # Nimda scans again later
                    again = rnd.randrange(min(end + 600, 23 * 3600 + 45 * 60), 23 * 3600 + 46 * 60)
                    self.nimda(a, again)
                times = [start]
            elif kind in ("cr1", "cr2"):
                times = sorted(worm_time(kind) for _ in range(rnd.choice([1, 1, 1, 2, 2, 3])))
                for sec in times:
                    self.code_red(a, sec, "N" if kind == "cr1" else "X")
            else:
                times = [worm_time("nimda" if rnd.random() < 0.5 else "cr")]
            if kind in ("nimda", "cr1", "cr2") and (a.version == 6 and rnd.random() < 0.5 or
                                                     a.version == 4 and rnd.random() < 0.45) \
                    or kind == "fwworm":
                # SYNs to other addresses of ours, which the firewall drops
                for sec in times:
                    for _ in range(rnd.choice([1, 1, 1, 2, 2, 3])):
                        sec += rnd.randrange(-90, 91)
                        sec = min(max(sec, 8 * 60), 23 * 3600 + 48 * 60)
                        dst = OUR_NET6[0x50 + rnd.randrange(1, 40)] if a.version == 6 else self.our()
                        retries = rnd.choice([(0,), (0,), (0,), (0, 3), (0, 3, 9)])
                        self.syn(sec, a, dst, 80, ttl, rnd.randrange(1025, 5000),
                                 window=rnd.choice([8192, 16384, 64240]), retries=retries)
            if kind == "scan":
                sec = times[0]
                service = rnd.choice(["ftp", "telnet", "sunrpc", "mssql", "netbios", "netbios"])
                targets = sorted(rnd.sample(range(1, 254), rnd.randrange(3, 9)))
                if rnd.random() < 0.3:
                    for i, h in enumerate(targets[:4]):
                        self.ping(sec + i, a, OUR_NET[h], ttl, 256 * (i + 1))
                    sec += 5
                spt = rnd.randrange(1025, 60000)
                for h in targets:
                    dst = OUR_NET[h]
                    if service == "netbios":
                        self.udp(sec, a, dst, 137, 137, ttl, 58)
                    else:
                        port = {"ftp": 21, "telnet": 23, "sunrpc": 111, "mssql": 1433}[service]
                        self.syn(sec, a, dst, port, ttl, spt, kind="scan",
                                 window=rnd.choice([512, 1024, 2048, 32120]))
                        spt += 1
                    sec += rnd.choice([0, 0, 1, 1, 2])
        # ICMP errors from routers about our replies to hosts that went away. The
        # quoted packet names a host of the same provider that is not a source.
        for key, router in ROUTERS:
            a = ipaddress.ip_address(router)
            lo, hi = parse_range(PROVIDER[key]["block"]["range"])
            self.expected[a] = PROVIDER[key]["contact"]
            for _ in range(2):
                while True:
                    gone = ipaddress.ip_address(rnd.randrange(int(lo), int(hi)))
                    if gone not in self.expected and int(gone) & 0xff not in (0, 255):
                        break
                sec = rnd.randrange(9 * 3600, 22 * 3600)
                self.kernel(sec, f"DROP-IN: IN=eth0 OUT= MAC={self.mac()} SRC={a} DST={WWW1} LEN=76 "
                                 f"TOS=0x00 PREC=0xC0 TTL={rnd.choice([241, 243, 249])} ID={self.ip_id()} "
                                 f"PROTO=ICMP TYPE=3 CODE=1 [SRC={WWW1} DST={gone} LEN=48 TOS=0x00 "
                                 f"PREC=0x00 TTL=63 ID=0 DF PROTO=TCP SPT=80 DPT={rnd.randrange(1025, 5000)} "
                                 f"WINDOW=5840 RES=0x00 ACK SYN URGP=0 ]")
        self.ordinary()
        self.syslog_noise()

    def write(self):
        ACCESS_LOG.parent.mkdir(parents=True, exist_ok=True)
        REGISTRY.parent.mkdir(parents=True, exist_ok=True)
        with open(ACCESS_LOG, "w", newline="\n") as f:
            for _, _, line in sorted(self.access):
                f.write(line + "\n")
        with open(FIREWALL_LOG, "w", newline="\n") as f:
            previous = 0.0
            for sec, _, line in sorted(self.firewall):
                uptime = max(UPTIME_AT_MIDNIGHT + sec + self.rnd.randrange(1000, 900000) / 1e6,
                             previous + self.rnd.randrange(50, 3000) / 1e6)
                if "@UPTIME@" in line:
                    previous = uptime
                    line = line.replace("@UPTIME@", f"{uptime:.6f}")
                f.write(line + "\n")
        with open(REGISTRY, "w", newline="\n") as f:
            f.write(self.reg.text())
        with open(EXPECTED, "w", newline="\n") as f:
            f.write("# address\tabuse contact (the first abuse mailbox of the most specific covering "
                    "block, or inherited); generated by generate.py, seed %d\n" % SEED)
            for a in sorted(self.expected, key=lambda x: (x.version, int(x))):
                f.write(f"{a}\t{self.expected[a]}\n")


# --------------------------------------------------------------------------
# The check: independent parsing of what was written.
# --------------------------------------------------------------------------

def read_rpsl(path):
    """Objects as lists of (name, value), with the '% Abuse contact' comment met before them."""
    objects, attrs, comment, pending = [], [], None, None
    comment_re = re.compile(r"^% Abuse contact for '([^']*)' is '([^']*)'")
    with open(path) as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines + [""], 1):
        if not line.strip():
            if attrs:
                objects.append((attrs, comment))
                attrs, comment = [], None
            continue
        if line[0] in "%#":
            m = comment_re.match(line)
            if m:
                assert not attrs, f"{path}:{n}: abuse comment inside an object"
                pending = (m.group(1), m.group(2))
            continue
        if line[0] in " \t+":
            assert attrs, f"{path}:{n}: continuation without an attribute"
            attrs[-1] = (attrs[-1][0], attrs[-1][1] + " " + line[1:].strip())
            continue
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9_-]*):\s*(.*)$", line)
        assert m, f"{path}:{n}: not an attribute: {line!r}"
        value = re.sub(r"(^|\s)#.*$", "", m.group(2)).strip()
        if not attrs:
            comment, pending = pending, None
        attrs.append((m.group(1).lower(), value))
    return objects


def resolve_all(path):
    objects = read_rpsl(path)
    by = {}
    blocks = []
    for attrs, comment in objects:
        cls = attrs[0][0]
        get = lambda name, a=attrs: next((v for k, v in a if k == name), "")
        if cls in ("person", "role"):
            handle = get("nic-hdl")
            assert handle, f"{cls} without nic-hdl: {attrs[0]}"
            by[("nic", handle.upper())] = attrs
        elif cls in ("organisation", "irt"):
            by[(cls, attrs[0][1].upper())] = attrs
        elif cls in ("inetnum", "inet6num"):
            lo, hi = parse_range(attrs[0][1])
            assert lo <= hi and lo.version == hi.version
            for k in ("netname", "country", "admin-c", "tech-c", "mnt-by", "source"):
                assert get(k), f"{attrs[0][1]} lacks {k}"
            assert re.fullmatch(r"[A-Z]{2}", get("country"))
            assert get("source") == "DEMO"
            blocks.append((lo, hi, attrs, comment))

    def mailbox_of(kind, handle):
        obj = by.get((kind, handle.upper()))
        assert obj is not None, f"dangling reference {kind} {handle}"
        return next((v for k, v in obj if k == "abuse-mailbox"), "")

    def contacts(attrs, comment):
        found = []
        if comment:
            found.append(comment[1])
        for k, v in attrs:
            if k == "mnt-irt":
                found.append(mailbox_of("irt", v))
        for k, v in attrs:
            if k == "abuse-c":
                found.append(mailbox_of("nic", v))
        for k, v in attrs:
            if k == "org":
                o = by.get(("organisation", v.upper()))
                assert o is not None, f"dangling org {v}"
                for ok, ov in o:
                    if ok == "abuse-c":
                        found.append(mailbox_of("nic", ov))
        for k, v in attrs:
            if k == "abuse-mailbox":
                found.append(v)
        return [c for c in found if c]

    def resolve(address):
        covering = [b for b in blocks if b[0].version == address.version and b[0] <= address <= b[1]]
        covering.sort(key=lambda b: int(b[1]) - int(b[0]))
        for lo, hi, attrs, comment in covering:
            c = contacts(attrs, comment)
            if c:
                return c[0]
        return None

    # blocks nest properly (no partial overlaps)
    for i, (lo, hi, _, _) in enumerate(blocks):
        for lo2, hi2, _, _ in blocks[i + 1:]:
            if lo.version != lo2.version:
                continue
            assert hi < lo2 or hi2 < lo or (lo <= lo2 and hi2 <= hi) or (lo2 <= lo and hi <= hi2), \
                f"blocks overlap partly: {lo}-{hi} and {lo2}-{hi2}"
    return resolve, blocks


def decode_nimda_path(path):
    """A Python rendering of the classifier's decoding (worm_classifier.cc)."""
    data = path.encode("latin-1")[-2048:]

    def round_(src):
        out, i, n = bytearray(), 0, len(src)
        while i < n:
            c = src[i]
            if c == 0x25 and i + 2 < n and re.fullmatch(rb"[0-9A-Fa-f]{2}", src[i + 1:i + 3]):
                out.append(int(src[i + 1:i + 3], 16)); i += 3; continue
            if (c == 0x25 and i + 5 < n and src[i + 1] | 0x20 == ord("u")
                    and re.fullmatch(rb"[0-9A-Fa-f]{4}", src[i + 2:i + 6]) and int(src[i + 2:i + 6], 16) < 0x80):
                out.append(int(src[i + 2:i + 6], 16)); i += 6; continue
            if c == 0x5c and i + 3 < n and src[i + 1] == ord("x") and re.fullmatch(rb"[0-9A-Fa-f]{2}", src[i + 2:i + 4]):
                out.append(int(src[i + 2:i + 4], 16)); i += 4; continue
            out.append(c); i += 1
        return bytes(out)

    data = round_(data)
    for _ in range(2):
        before = len(data)
        data = round_(data)
        if len(data) == before:
            break
    out, i = bytearray(), 0
    while i < len(data):
        c = data[i]
        if c in (0xc0, 0xc1) and i + 1 < len(data):
            c = ((c & 1) << 6) | (data[i + 1] & 0x3f); i += 1
        elif c == 0xe0 and i + 2 < len(data) and (data[i + 1] & 0x3f) <= 1:
            c = ((data[i + 1] & 0x3f) << 6) | (data[i + 2] & 0x3f); i += 2
        if c == 0x5c:
            c = 0x2f
        if 0x41 <= c <= 0x5a:
            c += 0x20
        if not (c == 0x2f and out and out[-1] == 0x2f):
            out.append(c & 0xff)
        i += 1
    return bytes(out)


def classify(target):
    m = re.match(r"(?i)/default\.ida\?((N|X)\2*)(.*)", target)
    if m and len(m.group(1)) >= 100 and "%u9090".startswith(m.group(3)[:6].lower()):
        return "code-red-i" if m.group(2) == "N" else "code-red-ii"
    path = decode_nimda_path(target.split("?")[0])
    if path.endswith(b"/winnt/system32/cmd.exe") or path.endswith(b"/root.exe"):
        return "nimda"
    return ""


# (netname of the most specific block, the contact its sources must get)
SPECIAL_CASES = [
    ("HARBOR-DENTAL", "abuse@harbordental.example"),            # customer with its own abuse-c
    ("SKY-CM-POOL-3", "abuse@skylinecable.example"),            # no contact: inherits
    ("SKY-BUSINESS-EAST", "abuse@skylinecable.example"),        # org without abuse-c: inherits
    ("NWD-DYN-TORONTO", "abuse@northwind-dsl.example"),         # non-aligned, inherits
    ("LAKESIDE-UNIV", "cert@lakeside-university.example"),      # mnt-irt before abuse-c
    ("LAKESIDE-RESNET", "cert@lakeside-university.example"),    # inherits the irt
    ("COBALT-WEBFARM-7", "abuse@cobalt-reseller.example"),      # inherits from the nearest
    ("TSP-NET", "abuse@tsp-net.example"),                       # nested, org's abuse-c
    ("FJORD-ONLINE", "abuse@transatlantic-backbone.example"),   # shared role
    ("ALPINE-WIRELESS", "abuse@transatlantic-backbone.example"),
    ("GLOBALNET-MX", "abuse@globalnet.example"),                # org's abuse-c
    ("OLDMILL-NET", "abuse@oldmill.example"),                   # abuse-mailbox on the inetnum
    ("MERIDIAN-DIAL", "abuse@meridian-telecom.example"),        # the comment, not the role
    ("LIONCITY-NET", "abuse@pacificrim-transit.example"),       # two roles, one mailbox
    ("KIWI-BB", "abuse@pacificrim-transit.example"),
    ("SAKURA-V6-LAB", "abuse@sakura.example"),                  # IPv6, inherits
    ("TULIP-V6", "abuse@tulip.example"),
]

APACHE_RE = re.compile(r'^(\S+) \S+ \S+ \[(\d\d/\w\w\w/\d{4}:\d\d:\d\d:\d\d [-+]\d{4})\] '
                       r'"([^"]*)" (\d{3}) (\d+|-)( "[^"]*" "[^"]*")?$')
SYSLOG_RE = re.compile(r"^(\w\w\w [ \d]\d \d\d:\d\d:\d\d) (\S+) (.*)$")


def check():
    problems = []
    resolve, blocks = resolve_all(REGISTRY)
    expected = {}
    with open(EXPECTED) as f:
        header = f.readline()
        assert header.startswith("#"), "expected.tsv has no header comment"
        for line in f:
            address, contact = line.rstrip("\n").split("\t")
            a = ipaddress.ip_address(address)
            assert str(a) == address, f"{address} is not in canonical form"
            expected[a] = contact

    sources, signatures, access_lines, last = {}, {}, 0, None
    with open(ACCESS_LOG, encoding="ascii") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            access_lines += 1
            m = APACHE_RE.match(line)
            assert m, f"access.log:{n}: does not parse: {line}"
            assert all(0x20 <= ord(c) < 0x7f for c in line), f"access.log:{n}: control byte"
            t = datetime.datetime.strptime(m.group(2), "%d/%b/%Y:%H:%M:%S %z")
            assert t.date() == DAY and t.utcoffset() == datetime.timedelta(hours=-4)
            assert last is None or t >= last, f"access.log:{n}: out of time order"
            last = t
            a = ipaddress.ip_address(m.group(1))
            words = m.group(3).split(" ")
            sig = classify(words[1])
            if sig:
                sources.setdefault(a, set()).add("access")
                signatures[sig] = signatures.get(sig, 0) + 1
            elif any(w in m.group(3).lower() for w in ("cmd.exe", "root.exe", "default.ida")):
                problems.append(f"access.log:{n}: looks like a worm but is not recognised")
    first_access = None
    fw_lines, fw_events, last = 0, 0, None
    with open(FIREWALL_LOG, encoding="ascii") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            fw_lines += 1
            m = SYSLOG_RE.match(line)
            assert m, f"firewall.log:{n}: no syslog header"
            t = datetime.datetime.strptime("2001 " + m.group(1), "%Y %b %d %H:%M:%S")
            assert t.date() == DAY
            assert last is None or t >= last, f"firewall.log:{n}: out of time order"
            last = t
            msg = m.group(3)
            p = re.search(r"IN=\S* OUT=", msg)
            if not p:
                assert "SRC=" not in msg, f"firewall.log:{n}: SRC without IN/OUT"
                continue
            fields = {}
            for word in msg[p.start():].split(" "):
                if word.startswith("["):
                    break
                if "=" in word:
                    k, v = word.split("=", 1)
                    fields.setdefault(k, v)
            for k in ("SRC", "DST", "PROTO"):
                assert fields.get(k), f"firewall.log:{n}: no {k}"
            ipaddress.ip_address(fields["DST"])
            if fields["PROTO"] in ("TCP", "UDP"):
                assert 0 <= int(fields["SPT"]) <= 65535 and 0 <= int(fields["DPT"]) <= 65535
            fw_events += 1
            sources.setdefault(ipaddress.ip_address(fields["SRC"]), set()).add("firewall")

    for a in sources:
        for net in UNCOVERED:
            if a.version == net.version and a in net:
                problems.append(f"source {a} is in {net}, which must stay uncovered")
        got = resolve(a)
        if got is None:
            problems.append(f"source {a} is covered by no block with a contact")
        elif a not in expected:
            problems.append(f"source {a} is missing from expected.tsv")
        elif expected[a] != got:
            problems.append(f"{a}: expected.tsv says {expected[a]}, the registry says {got}")
    for a in expected:
        if a not in sources:
            problems.append(f"{a} is in expected.tsv but in no event")
    for net in UNCOVERED:
        for lo, hi, attrs, _ in blocks:
            if lo.version == net.version and not (hi < net[0] or lo > net[-1]):
                problems.append(f"{attrs[0][1]} covers part of {net}")
    for lo, hi, attrs, _ in blocks:
        inside = (ipaddress.ip_network("198.18.0.0/15") if lo.version == 4
                  else ipaddress.ip_network("2001:db8::/32"))
        if not (lo in inside and hi in inside):
            problems.append(f"{attrs[0][1]} is outside {inside}")

    # every special case of the registry has at least one source
    for netname, mailbox in SPECIAL_CASES:
        lo, hi = next((b[0], b[1]) for b in blocks if dict(b[2]).get("netname") == netname)
        inner = [b for b in blocks if b[0].version == lo.version and lo <= b[0] and b[1] <= hi
                 and (b[0], b[1]) != (lo, hi)]
        hits = [a for a in sources if a.version == lo.version and lo <= a <= hi
                and not any(b[0] <= a <= b[1] for b in inner)]
        if not hits or any(expected.get(a) != mailbox for a in hits):
            problems.append(f"special case {netname}: sources {hits[:3]}, want {mailbox}")
    contacts = set(expected.values())
    both = sum(1 for s in sources.values() if s == {"access", "firewall"})
    fw_only = sum(1 for s in sources.values() if s == {"firewall"})
    access_only = sum(1 for s in sources.values() if s == {"access"})
    per_contact = {}
    for c in expected.values():
        per_contact[c] = per_contact.get(c, 0) + 1
    for name, value, lo, hi in [("access log lines", access_lines, 2500, 4000),
                                ("firewall log lines", fw_lines, 500, 800),
                                ("distinct sources", len(expected), 250, 350),
                                ("distinct contacts", len(contacts), 30, 40)]:
        if not lo <= value <= hi:
            problems.append(f"{name}: {value}, outside {lo}-{hi}")
    if not (both and fw_only and access_only):
        problems.append("want sources in both logs, only in the firewall log and only in the access log")
    print(f"access.log: {access_lines} lines, worm lines {signatures}")
    print(f"firewall.log: {fw_lines} lines, {fw_events} LOG lines")
    print(f"sources: {len(expected)} ({access_only} access only, {fw_only} firewall only, {both} both, "
          f"{sum(1 for a in expected if a.version == 6)} IPv6)")
    print(f"registry: {len(blocks)} blocks; contacts: {len(contacts)}; sources per contact: "
          + ", ".join(f"{n}" for c, n in sorted(per_contact.items(), key=lambda x: -x[1])))
    if problems:
        for p in problems:
            print("PROBLEM:", p, file=sys.stderr)
        sys.exit(1)
    print("check: ok")


def main():
    if "--check" not in sys.argv[1:]:
        rnd = random.Random(SEED)
        registry = Registry(rnd)
        registry.build()
        day = Day(rnd, registry)
        day.make()
        day.write()
    check()


if __name__ == "__main__":
    main()
