// SPDX-License-Identifier: GPL-3.0-or-later
// relaydesk keys … and relaydesk settings …: every key setting and limit, and the relay-wide settings.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/common.h"
#include "core/auth/apikeys.h"
#include "core/config/clientsnippets.h"
#include "core/config/relaysettings.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

using namespace Qt::StringLiterals;

namespace rd::cli {

namespace {

// The limit options and the KeyLimits field (JSON name) each sets; numbers, "" or 0 = no limit.
struct LimitOption
{
    QString option;
    QString field;
    double scale; // option unit → stored unit (seconds → ms for the queue timeout)
};
const QList<LimitOption> &limitOptions()
{
    static const QList<LimitOption> options{
        {u"concurrency"_s, u"concurrency"_s, 1},
        {u"queue"_s, u"queue_size"_s, 1},
        {u"queue-timeout"_s, u"queue_timeout_ms"_s, 1000},
        {u"window-minutes"_s, u"window_minutes"_s, 1},
        {u"window-requests"_s, u"window_requests"_s, 1},
        {u"window-tokens"_s, u"window_tokens"_s, 1},
        {u"window-cost"_s, u"window_cost_usd"_s, 1},
        {u"daily-cost"_s, u"daily_cost_usd"_s, 1},
        {u"weekly-cost"_s, u"weekly_cost_usd"_s, 1},
        {u"total-cost"_s, u"total_cost_usd"_s, 1},
        {u"weekly-family-cost"_s, u"weekly_family_cost_usd"_s, 1},
    };
    return options;
}

QSet<QString> keyValueOptions()
{
    QSet<QString> options{u"name"_s,
                          u"data-dir"_s,
                          u"bind"_s,
                          u"expires"_s,
                          u"services"_s,
                          u"allow-models"_s,
                          u"deny-models"_s,
                          u"description"_s,
                          u"tags"_s,
                          u"owner-name"_s,
                          u"activate-days"_s,
                          u"clients"_s,
                          u"bind-family"_s,
                          u"rates"_s,
                          u"weekly-family"_s,
                          u"client"_s,
                          u"host"_s,
                          u"port"_s};
    for (const LimitOption &o : limitOptions()) {
        options.insert(o.option);
    }
    return options;
}

// "a,b , c" → "a,b,c" (lower-case for lists that are matched case-insensitively)
QString normalList(const QString &text, bool lower)
{
    QStringList out;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const QString item = lower ? part.trimmed().toLower() : part.trimmed();
        if (!item.isEmpty() && !out.contains(item)) {
            out << item;
        }
    }
    return out.join(u',');
}

// Applies every option given to the record; options not given leave the setting as it is.
Result<void> applyKeyOptions(store::ApiKeyRecord &r, const Args &a)
{
    if (a.has(u"name"_s)) {
        r.name = a.value(u"name"_s).trimmed();
        if (r.name.isEmpty()) {
            return fail(ErrorCode::InvalidArgument, u"--name cannot be empty"_s);
        }
    }
    if (a.has(u"description"_s)) {
        r.description = a.value(u"description"_s).trimmed();
    }
    if (a.has(u"tags"_s)) {
        r.tags = normalList(a.value(u"tags"_s), false);
    }
    if (a.has(u"owner-name"_s)) {
        r.ownerName = a.value(u"owner-name"_s).trimmed();
    }
    if (a.has(u"owner"_s)) {
        r.isOwner = true;
    }
    if (a.has(u"bind"_s)) {
        if (auto ok = auth::validateBinding(a.value(u"bind"_s)); !ok) {
            return ok;
        }
        r.binding = a.value(u"bind"_s);
    }
    if (a.has(u"bind-family"_s)) {
        // openai=group:x,gemini=account:acc_1 — claude's binding is --bind
        QJsonObject bindings;
        for (const QString &part : a.value(u"bind-family"_s).split(u',', Qt::SkipEmptyParts)) {
            const qsizetype eq = part.indexOf(u'=');
            const QString family = part.left(eq).trimmed().toLower();
            static const QStringList families{u"openai"_s, u"gemini"_s, u"droid"_s, u"bedrock"_s, u"azure"_s, u"ccr"_s};
            if (eq < 0 || !families.contains(family)) {
                return fail(
                    ErrorCode::InvalidArgument,
                    u"--bind-family takes family=account:ID|group:NAME pairs; families: %1 (claude: --bind)"_s.arg(
                        families.join(u", "_s)));
            }
            bindings.insert(family, part.mid(eq + 1).trimmed());
        }
        const QString json =
            bindings.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(bindings).toJson(QJsonDocument::Compact));
        if (auto parsed = auth::parseBindings(json); !parsed) {
            return tl::unexpected(parsed.error());
        }
        r.bindings = json;
    }
    if (a.has(u"expires"_s)) {
        const QString expires = a.value(u"expires"_s).trimmed();
        if (expires.isEmpty() || expires == u"never"_s) {
            r.expiresAtMs = 0;
        } else {
            const QDate date = QDate::fromString(expires, Qt::ISODate);
            if (!date.isValid()) {
                return fail(ErrorCode::InvalidArgument,
                            u"--expires takes a date like 2026-12-31 (the key stops working at its end) or never"_s);
            }
            r.expiresAtMs = date.addDays(1).startOfDay().toMSecsSinceEpoch();
        }
    }
    if (a.has(u"activate-days"_s)) {
        bool ok = false;
        const int days = a.value(u"activate-days"_s).toInt(&ok);
        if (!ok || days < 0 || days > 3650) {
            return fail(ErrorCode::InvalidArgument, u"--activate-days takes a number of days, 1 to 3650 (0 = off)"_s);
        }
        r.activationDays = days;
        if (days > 0) {
            // Not used yet: the first use sets the expiry. Used already: counted from that first use.
            r.expiresAtMs = r.activatedAtMs == 0 ? 0 : r.activatedAtMs + qint64(days) * 86'400'000;
        }
    }
    if (a.has(u"services"_s)) {
        static const QStringList services{u"claude"_s, u"openai"_s, u"gemini"_s, u"droid"_s, u"bedrock"_s, u"azure"_s};
        const QString list = normalList(a.value(u"services"_s), true);
        for (const QString &s : list.split(u',', Qt::SkipEmptyParts)) {
            if (!services.contains(s)) {
                return fail(ErrorCode::InvalidArgument,
                            u"unknown service '%1' (known: %2)"_s.arg(s, services.join(u", "_s)));
            }
        }
        r.permissions = list;
    }
    if (a.has(u"clients"_s)) {
        const QString list = normalList(a.value(u"clients"_s), true);
        if (auto parsed = auth::parseClientList(list); !parsed) {
            return tl::unexpected(parsed.error());
        }
        r.allowedClients = list;
    }
    if (a.has(u"allow-models"_s)) {
        r.allowedModels = normalList(a.value(u"allow-models"_s), true);
    }
    if (a.has(u"deny-models"_s)) {
        r.deniedModels = normalList(a.value(u"deny-models"_s), true);
    }
    if (a.has(u"rates"_s)) {
        auto rates = config::parseServiceRates(a.value(u"rates"_s));
        if (!rates) {
            return tl::unexpected(rates.error());
        }
        r.serviceRates = config::serviceRatesJson(*rates);
    }
    // Limits: start from what the key has, change what was given, validate the whole.
    QJsonObject limits = QJsonDocument::fromJson(r.limits.toUtf8()).object();
    for (const LimitOption &o : limitOptions()) {
        if (!a.has(o.option)) {
            continue;
        }
        const QString text = a.value(o.option).trimmed();
        bool ok = text.isEmpty();
        const double v = ok ? 0 : text.toDouble(&ok);
        if (!ok || v < 0) {
            return fail(ErrorCode::InvalidArgument, u"--%1 takes a number ≥ 0 (0 or \"\" = no limit)"_s.arg(o.option));
        }
        if (v == 0) {
            limits.remove(o.field);
        } else {
            limits.insert(o.field, v * o.scale);
        }
    }
    if (a.has(u"weekly-family"_s)) {
        const QString family = a.value(u"weekly-family"_s).trimmed().toLower();
        if (family.isEmpty()) {
            limits.remove(u"weekly_family"_s);
        } else {
            limits.insert(u"weekly_family"_s, family);
        }
    }
    auto parsed = policy::KeyLimits::fromJson(limits);
    if (!parsed) {
        return tl::unexpected(parsed.error());
    }
    const QJsonObject normal = parsed->toJson();
    r.limits = normal.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(normal).toJson(QJsonDocument::Compact));
    return {};
}

int keysCreate(store::Database &db, const Args &a)
{
    const QByteArray key = auth::generateKey();
    store::ApiKeyRecord record;
    record.id = newId("key_");
    record.keyHash = auth::hashKey(key);
    record.enabled = true;
    record.createdAt = QDateTime::currentDateTimeUtc();
    if (auto ok = applyKeyOptions(record, a); !ok) {
        return usageError(ok.error().detail);
    }
    if (auto ok = db.insertKey(record); !ok) {
        return reportFailure(ok.error().detail);
    }
    printOut(u"Created key '%1' (%2). Copy it now: it is shown only this once."_s.arg(record.name, record.id));
    printOut(QString::fromLatin1(key));
    return 0;
}

int keysSet(store::Database &db, const QString &target, const Args &a)
{
    auto found = db.findKey(target);
    if (!found) {
        return reportFailure(found.error().detail);
    }
    if (!*found) {
        return reportFailure(u"no key named or with id '%1'"_s.arg(target));
    }
    store::ApiKeyRecord record = **found;
    if (auto ok = applyKeyOptions(record, a); !ok) {
        return usageError(ok.error().detail);
    }
    return reportResult(db.updateKey(record), u"Key %1 updated"_s.arg(record.id));
}

QString expiryText(const store::ApiKeyRecord &k)
{
    if (k.activationDays > 0 && k.activatedAtMs == 0) {
        return u"%1 days after the first use (not used yet)"_s.arg(k.activationDays);
    }
    return k.expiresAtMs > 0 ? QDateTime::fromMSecsSinceEpoch(k.expiresAtMs).toString(Qt::ISODate) : u"never"_s;
}

int keysShow(store::Database &db, const QString &target)
{
    auto found = db.findKey(target);
    if (!found) {
        return reportFailure(found.error().detail);
    }
    if (!*found) {
        return reportFailure(u"no key named or with id '%1'"_s.arg(target));
    }
    const store::ApiKeyRecord &k = **found;
    auto line = [](const QString &label, const QString &value) {
        printOut(u"%1 %2"_s.arg(label + u':', -16).arg(value.isEmpty() ? u"-"_s : value));
    };
    line(u"id"_s, k.id);
    line(u"name"_s, k.name);
    line(u"description"_s, k.description);
    line(u"tags"_s, k.tags);
    line(u"owner"_s, k.ownerName);
    line(u"enabled"_s, k.enabled ? u"yes"_s : u"no"_s);
    line(u"hash"_s, QString::fromLatin1(auth::logId(k.keyHash)));
    line(u"created"_s, k.createdAt.toLocalTime().toString(Qt::ISODate));
    line(u"expires"_s, expiryText(k));
    line(u"personal use"_s, k.isOwner ? u"yes (the owner's key: personal subscriptions)"_s : u"no"_s);
    line(u"binding"_s, k.binding.isEmpty() ? u"shared pool"_s : k.binding);
    line(u"other bindings"_s, k.bindings);
    line(u"services"_s, k.permissions.isEmpty() ? u"all"_s : k.permissions);
    line(u"clients"_s, k.allowedClients.isEmpty() ? u"any"_s : k.allowedClients);
    line(u"allowed models"_s, k.allowedModels.isEmpty() ? u"all"_s : k.allowedModels);
    line(u"denied models"_s, k.deniedModels);
    line(u"rates"_s, k.serviceRates.isEmpty() ? u"1.0"_s : k.serviceRates);
    line(u"limits"_s, k.limits.isEmpty() ? u"none"_s : k.limits);
    return 0;
}

int keysList(store::Database &db)
{
    auto keys = db.listKeys();
    if (!keys) {
        return reportFailure(keys.error().detail);
    }
    printOut(u"%1  %2  %3  %4  %5  %6"_s.arg(u"ID"_s, -20)
                 .arg(u"NAME"_s, -24)
                 .arg(u"ENABLED"_s, -7)
                 .arg(u"HASH"_s, -8)
                 .arg(u"CREATED"_s, -20)
                 .arg(u"USES"_s));
    for (const auto &k : std::as_const(*keys)) {
        QString uses = k.binding.isEmpty() ? u"shared pool"_s : k.binding;
        if (k.isOwner) {
            uses += u", owner (personal subscriptions)"_s;
        }
        if (!k.limits.isEmpty()) {
            uses += u", limits "_s + k.limits;
        }
        printOut(u"%1  %2  %3  %4  %5  %6"_s.arg(k.id, -20)
                     .arg(k.name, -24)
                     .arg(k.enabled ? u"yes"_s : u"no"_s, -7)
                     .arg(QString::fromLatin1(auth::logId(k.keyHash)), -8)
                     .arg(k.createdAt.toString(Qt::ISODate), -20)
                     .arg(uses));
    }
    return 0;
}

// `keys snippet --client codex|claude-code|openai-sdk|…`: what the client needs for a key and this relay's address.
// The key itself is read from RELAYDESK_API_KEY or standard input (never an argument); without one a placeholder is
// printed. The address is --host/--port, else the relay.host/relay.port settings.
int keysSnippet(const Args &a)
{
    const QString client = a.value(u"client"_s);
    const QStringList ids = config::snippetClientIds();
    if (!ids.contains(client)) {
        return usageError(u"keys snippet needs --client with one of: "_s + ids.join(u", "_s));
    }
    auto db = openStore(a.value(u"data-dir"_s));
    if (!db) {
        return 1;
    }
    const auto stored = db->settings();
    const config::RelaySettings settings = config::relaySettingsFrom(stored ? *stored : QHash<QString, QString>());
    QString host = a.value(u"host"_s, settings.listenHost.toString());
    bool ok = true;
    const uint port = a.value(u"port"_s, QString::number(settings.listenPort)).toUInt(&ok);
    if (!ok || port == 0 || port > 65535) {
        return usageError(u"--port must be 1..65535"_s);
    }
    QByteArray key = qgetenv("RELAYDESK_API_KEY").trimmed();
    if (key.isEmpty() && !isatty(STDIN_FILENO)) {
        std::string line;
        std::getline(std::cin, line);
        key = QByteArray::fromStdString(line).trimmed();
        std::fill(line.begin(), line.end(), '\0');
    }
    if (key.isEmpty()) {
        key = "cr_…"; // keys are stored only as hashes: the user fills in the one they were shown
        printErr(u"note: no key given (RELAYDESK_API_KEY or standard input); the snippet shows a placeholder"_s);
    } else if (!key.startsWith("cr_")) {
        return usageError(u"that is not a RelayDesk key (they start with cr_)"_s);
    }
    for (const config::ClientSnippet &snippet : config::clientSnippets(host, quint16(port), QString::fromUtf8(key))) {
        if (QLatin1String(snippet.id) == client) {
            std::fputs(snippet.text.toUtf8().constData(), stdout);
        }
    }
    key.fill('\0');
    return 0;
}

} // namespace

int keysCommand(const QStringList &args)
{
    Args a;
    if (!a.parse(args, keyValueOptions(), {u"owner"_s})) {
        return usageError(a.error());
    }
    const QStringList &pos = a.positional();
    const QString verb = pos.value(0);
    static const QStringList verbs{
        u"create"_s, u"set"_s, u"show"_s, u"list"_s, u"enable"_s, u"disable"_s, u"delete"_s, u"bind"_s, u"snippet"_s};
    if (!verbs.contains(verb)) {
        return usageError(u"keys needs one of: "_s + verbs.join(u", "_s));
    }
    if (verb == u"snippet"_s) {
        return pos.size() == 1 ? keysSnippet(a) : usageError(u"keys snippet takes no further words"_s);
    }
    const QString binding = a.value(u"bind"_s);
    if (auto ok = auth::validateBinding(binding); !ok) {
        return usageError(u"--bind takes account:<id> or group:<name>"_s);
    }
    const bool noTarget = verb == u"create"_s || verb == u"list"_s;
    if (noTarget ? pos.size() != 1 : pos.size() != 2) {
        return usageError(noTarget ? u"keys %1 takes no further words"_s.arg(verb)
                                   : u"keys %1 needs a key id or name"_s.arg(verb));
    }
    if (verb == u"create"_s && a.value(u"name"_s).trimmed().isEmpty()) {
        return usageError(u"keys create needs --name NAME"_s);
    }
    auto db = openStore(a.value(u"data-dir"_s));
    if (!db) {
        return 1;
    }
    if (verb == u"create"_s) {
        return keysCreate(*db, a);
    }
    if (verb == u"list"_s) {
        return keysList(*db);
    }
    const QString target = pos.at(1);
    if (verb == u"set"_s) {
        return keysSet(*db, target, a);
    }
    if (verb == u"show"_s) {
        return keysShow(*db, target);
    }
    if (verb == u"delete"_s) {
        return reportResult(db->deleteKey(target), u"Deleted key %1"_s.arg(target));
    }
    if (verb == u"bind"_s) {
        return reportResult(db->setKeyBinding(target, binding, a.has(u"owner"_s)),
                            binding.isEmpty() ? u"Key %1 uses the shared pool"_s.arg(target)
                                              : u"Key %1 is bound to %2"_s.arg(target, binding));
    }
    const bool enable = verb == u"enable"_s;
    return reportResult(db->setKeyEnabled(target, enable),
                        u"Key %1 %2"_s.arg(target, enable ? u"enabled"_s : u"disabled"_s));
}

int settingsCommand(const QStringList &args)
{
    Args a;
    if (!a.parse(args, {u"data-dir"_s}, {})) {
        return usageError(a.error());
    }
    const QStringList &pos = a.positional();
    const QString verb = pos.value(0);
    if (!((verb == u"list"_s && pos.size() == 1) || (verb == u"set"_s && pos.size() == 3)
          || (verb == u"unset"_s && pos.size() == 2))) {
        return usageError(u"settings takes: list | set KEY VALUE | unset KEY"_s);
    }
    auto db = openStore(a.value(u"data-dir"_s));
    if (!db) {
        return 1;
    }
    if (verb == u"list"_s) {
        auto stored = db->settings();
        if (!stored) {
            return reportFailure(stored.error().detail);
        }
        for (const config::SettingSpec &spec : config::settingSpecs()) {
            const bool set = stored->contains(spec.key);
            const QString value = set ? stored->value(spec.key) : spec.defaultValue;
            printOut(
                u"%1 = %2%3"_s.arg(spec.key, value.isEmpty() ? u"\"\""_s : value, set ? QString() : u"  (default)"_s));
            printOut(u"    "_s + spec.description);
        }
        return 0;
    }
    const QString key = pos.at(1);
    if (verb == u"unset"_s) {
        if (auto known = config::validateSetting(key, config::settingSpecs().constFirst().defaultValue);
            !known && known.error().detail.startsWith(u"unknown setting"_s)) {
            return usageError(known.error().detail);
        }
        return reportResult(db->unsetSetting(key), u"%1 is back to its default"_s.arg(key));
    }
    auto valid = config::validateSetting(key, pos.at(2));
    if (!valid) {
        return usageError(valid.error().detail);
    }
    return reportResult(db->setSetting(key, *valid), u"%1 = %2"_s.arg(key, *valid));
}

} // namespace rd::cli
