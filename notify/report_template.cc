// The built-in notice template. It keeps the tone and the order of the notice
// that administrators used to send by hand: what was seen and where, the
// addresses, "may be compromised", an offer of more information, a request to
// explain deliberate probes, thanks, the evidence with its time zone, and the
// signature. notify/README.md lists the variables a replacement can use.
#include "notify/report_renderer.h"

namespace abuseflow::notify {
namespace {

constexpr std::string_view kDefaultTemplate = R"(Hello,

{{#rerouted}}
{{^upstream}}
We write to you because our notices to {{instead_of}} could not be
delivered; the registry names you as the next abuse contact for {{#single}}this address{{/single}}{{#many}}these
addresses{{/many}}.
{{/upstream}}
{{#upstream}}
We write to you because our notices to {{instead_of}} could not be
delivered: the owner's own abuse contacts could not be reached, and the
registry names you as the upstream provider of {{#single}}this address{{/single}}{{#many}}these
addresses{{/many}}.
{{/upstream}}

{{/rerouted}}
{{#is_worm}}
Our logs show that the following {{machine_word}} on your network {{#single}}appears{{/single}}{{#many}}appear{{/many}} to be
infected with {{worm_name}} and {{#single}}is{{/single}}{{#many}}are{{/many}} spreading: {{#single}}it has{{/single}}{{#many}}they have{{/many}} tried to infect
machines on our network at {{site}}:
{{/is_worm}}
{{#is_exploit}}
Our logs show the following {{machine_word}} on your network attacking machines
on our network at {{site}} with exploits{{#has_kind_signature}} ({{kind_signature}}){{/has_kind_signature}}:
{{/is_exploit}}
{{#is_brute_force}}
Our logs show the following {{machine_word}} on your network trying to log in
to machines on our network at {{site}} by guessing passwords:
{{/is_brute_force}}
{{#is_probe}}
Our logs show the following {{machine_word}} on your network probing machines
on our network at {{site}}:
{{/is_probe}}

{{#entries}}
    {{address}}
{{/entries}}

{{#split}}
This report is part {{part}} of {{parts}}; the other parts list the rest of
the addresses we saw from your network in the same period.

{{/split}}
{{#has_repeats}}
This is not the first time we have written to you about {{#single}}this address{{/single}}{{#many}}some of these addresses{{/many}}:
this is our {{notice_ordinal}} notice, and the earlier occurrences are quoted
below with the new ones.

{{/has_repeats}}
Your {{system_word}} may be compromised. We would be happy to provide more
information if you need it. If these probes are deliberate, please explain
why we should not block {{#single}}this machine{{/single}}{{#many}}these machines{{/many}} from our network.

Please keep the reference [{{ticket}}] in the subject of your reply.

Thank you for your help.

The log entries for each address follow.
{{#entries}}

========================================================================
{{address}}{{#has_owner_line}}  ({{owner_line}}){{/has_owner_line}}
{{#repeat}}
This is our {{ordinal}} notice about this address.
{{/repeat}}
{{#has_earlier}}
We reported it before; the earlier occurrences were:
{{#earlier}}
  {{first_seen}} to {{last_seen}}: {{count}} {{times_word}}{{#has_kinds}} ({{kinds}}){{/has_kinds}}
{{/earlier}}
Now:
{{/has_earlier}}
Seen {{count}} {{times_word}}, first {{first_seen}}, last {{last_seen}}.
{{#kinds}}
  {{label}}: {{count}}
{{/kinds}}
{{#has_ports}}
Ports probed: {{ports}}
{{/has_ports}}
{{#zones}}

Log entries, all times are {{zone}}:
{{#lines}}
{{line}}
{{/lines}}
{{/zones}}
{{#has_more}}
({{shown}} of {{count}} entries shown)
{{/has_more}}
{{/entries}}

-- 
{{#has_signature}}
{{signature}}
{{/has_signature}}
{{^has_signature}}
{{from}}
{{/has_signature}}
)";

}  // namespace

std::string_view DefaultReportTemplate() { return kDefaultTemplate; }

}  // namespace abuseflow::notify
