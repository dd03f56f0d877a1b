// SPDX-License-Identifier: GPL-3.0-or-later
// The OpenAI account types on the desktop side (offscreen, real relay and store): the model's readable type names and
// details, the page listing ChatGPT, Responses and Azure rows with their stored states and cooldowns, the Responses
// and Azure dialogs (validation, sealed credentials, the `extra` settings) and editing without losing tokens.
#include "core/config/datapaths.h"
#include "core/facade/storeclient.h"
#include "core/providers/console/consoleaccount.h"
#include "tests/support/relayharness.h"
#include "ui/models/accountsmodel.h"
#include "ui/pages/accountspage.h"

#include <QAction>
#include <QCheckBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using rd::ui::AccountRow;
using rd::ui::AccountsModel;
namespace providers = rd::providers;

namespace {

std::optional<rd::store::AccountRecord> storedAccount(rd::store::Database &db, const QString &name)
{
    auto accounts = db.listAccounts();
    if (accounts) {
        for (const auto &a : std::as_const(*accounts)) {
            if (a.name == name) {
                return a;
            }
        }
    }
    return std::nullopt;
}

struct Fixture
{
    rd::test::RelayHarness relay;
    std::optional<rd::facade::StoreClient> store;
    std::optional<rd::ui::AccountsPage> page;
    QTableView *table = nullptr;

    bool start(bool withRelay = true)
    {
        if (withRelay && !relay.start()) {
            return false;
        }
        store.emplace(rd::store::StoreLocation{rd::config::databasePath(relay.dataDir())});
        page.emplace();
        page->attach(rd::ui::UiContext{withRelay ? relay.service() : nullptr, &*store, relay.dataDir()});
        page->resize(1100, 500);
        page->show();
        page->setActive(true);
        table = page->findChild<QTableView *>(u"accountsTable"_s);
        return table != nullptr;
    }
    int m_inserted = 0;
    ~Fixture() { page.reset(); }
    QVariant cell(int row, int column, int role = Qt::DisplayRole) const
    {
        return table->model()->index(row, column).data(role);
    }
    int rowOf(const QString &name) const
    {
        for (int r = 0; r < table->model()->rowCount(); ++r) {
            if (cell(r, AccountsModel::Name).toString() == name) {
                return r;
            }
        }
        return -1;
    }
    // A record written as another client would, credentials sealed for its id.
    QString insert(const QString &name, const char *type, const QString &extra, const QByteArray &plainCredentials)
    {
        rd::store::AccountRecord r;
        r.id = u"acc_"_s + QString::number(++m_inserted).rightJustified(16, u'0');
        r.type = QString::fromLatin1(type);
        r.name = name;
        r.baseUrl = u"https://upstream.example"_s;
        r.extra = extra;
        r.createdAt = QDateTime::currentDateTimeUtc();
        r.subscriptionPlan = r.type == QLatin1String(providers::kOpenAIOAuthType) ? u"plus"_s : QString();
        r.sealedCredentials = *relay.sealer().seal(plainCredentials, r.id.toUtf8());
        return relay.db().insertAccount(r) ? r.id : QString();
    }
};

QByteArray plainBytes(const rd::Result<rd::SecretBytes> &encoded)
{
    return encoded ? encoded->expose().toByteArray() : QByteArray();
}

QPushButton *okButton(QWidget *dialog)
{
    return dialog->findChild<QDialogButtonBox *>(u"buttons"_s)->button(QDialogButtonBox::Ok);
}

QString errorText(QWidget *dialog)
{
    return dialog->findChild<QLabel *>(u"errorLabel"_s)->text();
}

void type(QWidget *dialog, const QString &name, const QString &text)
{
    auto *edit = dialog->findChild<QLineEdit *>(name);
    QVERIFY2(edit, qPrintable(name));
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

bool rowVisible(QWidget *dialog, const QString &name)
{
    auto *w = dialog->findChild<QWidget *>(name);
    return w && w->isVisible();
}

QDialog *openAddDialog(Fixture &f, const QString &action, const QString &dialogName)
{
    f.page->findChild<QAction *>(action)->trigger();
    QDialog *dialog = f.page->findChild<QDialog *>(dialogName);
    return dialog && QTest::qWaitFor([dialog] { return dialog->isVisible(); }) ? dialog : nullptr;
}

QDialog *openEditDialog(Fixture &f, int row)
{
    f.table->selectRow(row);
    QTest::mouseClick(f.page->findChild<QPushButton *>(u"editAccountButton"_s), Qt::LeftButton);
    QDialog *dialog = nullptr;
    const bool opened =
        QTest::qWaitFor([&] { return (dialog = f.page->findChild<QDialog *>(u"editAccountDialog"_s)) != nullptr; });
    return opened ? dialog : nullptr;
}

// The API key and proxy password sealed in the stored record (AAD = its id).
std::pair<QByteArray, QByteArray> unsealed(Fixture &f, const rd::store::AccountRecord &r)
{
    auto plain = f.relay.sealer().unseal(r.sealedCredentials, r.id.toUtf8());
    if (!plain) {
        return {};
    }
    auto credentials = providers::decodeCredentials(*plain);
    if (!credentials) {
        return {};
    }
    return {credentials->apiKey.expose().toByteArray(), credentials->proxyPassword.expose().toByteArray()};
}

} // namespace

class TestOpenAIAccounts : public QObject
{
    Q_OBJECT
private slots:
    void modelNamesEveryTypeAndItsDetails_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("extra");
        QTest::addColumn<QString>("plan");
        QTest::addColumn<QString>("typeText");
        QTest::addColumn<QString>("detail");
        QTest::newRow("console") << u"claude-console"_s << QString() << QString() << u"Console"_s << QString();
        QTest::newRow("claude subscription")
            << u"claude-oauth"_s << QString() << u"max"_s << u"Subscription"_s << u"plan max"_s;
        QTest::newRow("chatgpt") << u"openai-oauth"_s
                                 << u"{\"chatgpt_account_id\":\"acct-1\",\"email\":\"me@example.com\"}"_s << u"plus"_s
                                 << u"ChatGPT (Codex)"_s << u"plan plus · me@example.com"_s;
        QTest::newRow("responses") << u"openai-responses"_s << QString() << QString() << u"OpenAI Responses"_s
                                   << QString();
        QTest::newRow("azure, dated api")
            << u"azure-openai"_s << u"{\"deployment\":\"gpt4o-prod\",\"api_version\":\"2024-10-21\"}"_s << QString()
            << u"Azure OpenAI"_s << u"deployment gpt4o-prod · api-version 2024-10-21"_s;
        QTest::newRow("azure, v1 api, priced")
            << u"azure-openai"_s << u"{\"deployment\":\"d1\",\"pricing_model\":\"gpt-4o\"}"_s << QString()
            << u"Azure OpenAI"_s << u"deployment d1 · v1 API · priced as gpt-4o"_s;
        QTest::newRow("unknown type as stored") << u"droid"_s << QString() << QString() << u"droid"_s << QString();
    }
    void modelNamesEveryTypeAndItsDetails()
    {
        QFETCH(QString, type);
        QFETCH(QString, extra);
        QFETCH(QString, plan);
        QFETCH(QString, typeText);
        QFETCH(QString, detail);
        AccountsModel model;
        AccountRow row;
        row.id = u"acc_1"_s;
        row.name = u"one"_s;
        row.type = type;
        row.detail = AccountsModel::detailText(type, extra, plan);
        model.setRows({row});
        QCOMPARE(model.index(0, AccountsModel::Type).data().toString(), typeText);
        QCOMPARE(row.detail, detail);
        QCOMPARE(model.index(0, AccountsModel::Type).data(Qt::ToolTipRole).toString(), detail);
    }

    void pageListsNewTypesWithStoredStatesAndCooldowns()
    {
        Fixture f;
        QVERIFY(f.relay.db().listAccounts()); // the store exists before the page reads it
        const QByteArray key = plainBytes(providers::encodeCredentials("sk-test", {}));
        const QString chatgpt = f.insert(u"codex"_s,
                                         providers::kOpenAIOAuthType,
                                         u"{\"chatgpt_account_id\":\"acct-1\",\"email\":\"me@example.com\"}"_s,
                                         key);
        const QString responses = f.insert(u"responses"_s, providers::kOpenAIResponsesType, QString(), key);
        const QString azure = f.insert(u"azure"_s,
                                       providers::kAzureOpenAIType,
                                       u"{\"deployment\":\"gpt4o\",\"api_version\":\"2024-10-21\"}"_s,
                                       key);
        QVERIFY(!chatgpt.isEmpty() && !responses.isEmpty() && !azure.isEmpty());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        rd::store::AccountStateRow limited; // the ChatGPT plan's usage limit, until its reset
        limited.accountId = chatgpt;
        limited.cooldownUntilMs = now + 3'600'000;
        limited.reason = u"usage_limit_reached"_s;
        limited.updatedMs = now;
        rd::store::AccountStateRow blocked;
        blocked.accountId = azure;
        blocked.blocked = true;
        blocked.reason = u"401 invalid api-key"_s;
        blocked.updatedMs = now;
        QVERIFY(f.relay.db().upsertAccountStates({limited, blocked}));
        QVERIFY(f.start(false)); // the store's view: no relay to override it

        QTRY_COMPARE(f.table->model()->rowCount(), 3);
        const int c = f.rowOf(u"codex"_s);
        const int r = f.rowOf(u"responses"_s);
        const int a = f.rowOf(u"azure"_s);
        QVERIFY(c >= 0 && r >= 0 && a >= 0);
        QCOMPARE(f.cell(c, AccountsModel::Type).toString(), u"ChatGPT (Codex)"_s);
        QCOMPARE(f.cell(r, AccountsModel::Type).toString(), u"OpenAI Responses"_s);
        QCOMPARE(f.cell(a, AccountsModel::Type).toString(), u"Azure OpenAI"_s);
        QCOMPARE(f.cell(c, AccountsModel::Type, Qt::ToolTipRole).toString(), u"plan plus · me@example.com"_s);
        QCOMPARE(f.cell(a, AccountsModel::Type, Qt::ToolTipRole).toString(),
                 u"deployment gpt4o · api-version 2024-10-21"_s);
        const QString cooling = f.cell(c, AccountsModel::Status).toString();
        QVERIFY2(cooling.startsWith(u"cooling down until"_s) && cooling.contains(u"usage_limit_reached"_s),
                 qPrintable(cooling));
        QCOMPARE(f.cell(c, AccountsModel::Status, Qt::ToolTipRole).toString(), cooling);
        QCOMPARE(f.cell(r, AccountsModel::Status).toString(), u"active"_s);
        QCOMPARE(f.cell(a, AccountsModel::Status).toString(), u"blocked: 401 invalid api-key"_s);
    }

    void responsesDialogValidatesThenSealsTheKey()
    {
        Fixture f;
        QVERIFY(f.start());
        QDialog *dialog = openAddDialog(f, u"addOpenAIResponsesAction"_s, u"addOpenAIResponsesDialog"_s);
        QVERIFY(dialog);
        QCOMPARE(dialog->findChild<QLineEdit *>(u"baseUrl"_s)->text(), u"https://api.openai.com"_s);
        QVERIFY(rowVisible(dialog, u"userAgent"_s));
        QVERIFY(!rowVisible(dialog, u"deployment"_s));
        QVERIFY(!rowVisible(dialog, u"shared"_s)); // only subscriptions are personal
        QVERIFY(!okButton(dialog)->isEnabled());
        type(dialog, u"name"_s, u"team openai"_s);
        type(dialog, u"baseUrl"_s, u"ftp://api.openai.com"_s);
        QVERIFY2(errorText(dialog).startsWith(u"Base URL"_s), qPrintable(errorText(dialog)));
        type(dialog, u"baseUrl"_s, u"https://api.openai.com/v1/responses"_s);
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY2(errorText(dialog).contains(u"without /responses"_s), qPrintable(errorText(dialog)));
        type(dialog, u"baseUrl"_s, u"https://gateway.example/v1"_s);
        QVERIFY2(errorText(dialog).contains(u"API key"_s), qPrintable(errorText(dialog)));
        type(dialog, u"apiKey"_s, u"sk-proj-typed-in-dialog"_s);
        QVERIFY2(okButton(dialog)->isEnabled(), qPrintable(errorText(dialog)));
        type(dialog, u"cooldowns"_s, u"{\"overloaded\": -1}"_s);
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY2(errorText(dialog).startsWith(u"Cooldowns"_s), qPrintable(errorText(dialog)));
        type(dialog, u"cooldowns"_s, u"{\"overloaded\": 30}"_s);
        type(dialog, u"userAgent"_s, u"codex_cli_rs/0.50.0"_s);
        type(dialog, u"proxyUrl"_s, u"http://dave@127.0.0.1:3128"_s);
        type(dialog, u"proxyPassword"_s, u"pw-1"_s);
        dialog->findChild<QCheckBox *>(u"dedicated"_s)->setChecked(true);
        QVERIFY2(okButton(dialog)->isEnabled(), qPrintable(errorText(dialog)));
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);

        QTRY_VERIFY(storedAccount(f.relay.db(), u"team openai"_s));
        const auto stored = *storedAccount(f.relay.db(), u"team openai"_s);
        QCOMPARE(stored.type, QString::fromLatin1(providers::kOpenAIResponsesType));
        QCOMPARE(stored.baseUrl, u"https://gateway.example/v1"_s);
        QCOMPARE(stored.userAgent, u"codex_cli_rs/0.50.0"_s);
        QCOMPARE(stored.cooldownOverrides, u"{\"overloaded\": 30}"_s);
        QVERIFY(stored.dedicated);
        QVERIFY(!stored.sealedCredentials.contains("sk-proj-typed-in-dialog"));
        QCOMPARE(unsealed(f, stored), std::make_pair("sk-proj-typed-in-dialog"_ba, "pw-1"_ba));
        QVERIFY(providers::consoleAccountFromRecord(stored, nullptr)); // the relay can load what the dialog stored
        QTRY_VERIFY(f.page->findChild<QDialog *>(u"addOpenAIResponsesDialog"_s) == nullptr);
    }

    void azureDialogNeedsEndpointDeploymentAndVersion()
    {
        Fixture f;
        QVERIFY(f.start());
        QDialog *dialog = openAddDialog(f, u"addAzureAction"_s, u"addAzureDialog"_s);
        QVERIFY(dialog);
        QVERIFY(rowVisible(dialog, u"deployment"_s));
        QVERIFY(!rowVisible(dialog, u"userAgent"_s));
        QCOMPARE(dialog->findChild<QLineEdit *>(u"apiVersion"_s)->text(), u"2025-04-01-preview"_s);
        type(dialog, u"name"_s, u"azure east"_s);
        QVERIFY2(errorText(dialog).startsWith(u"Endpoint"_s), qPrintable(errorText(dialog))); // none by default
        type(dialog,
             u"baseUrl"_s,
             u"https://res.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21"_s);
        QVERIFY2(errorText(dialog).contains(u"only the resource's address"_s), qPrintable(errorText(dialog)));
        type(dialog, u"baseUrl"_s, u"https://res.openai.azure.com"_s);
        type(dialog, u"apiKey"_s, u"azure-key-typed"_s);
        QVERIFY(!okButton(dialog)->isEnabled()); // the deployment is required
        QVERIFY2(errorText(dialog).contains(u"deployment"_s), qPrintable(errorText(dialog)));
        type(dialog, u"deployment"_s, u"gpt 4o/prod"_s);
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY2(errorText(dialog).startsWith(u"Deployment"_s), qPrintable(errorText(dialog)));
        type(dialog, u"deployment"_s, u"gpt4o-prod"_s);
        type(dialog, u"apiVersion"_s, u"latest"_s);
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY2(errorText(dialog).startsWith(u"API version"_s), qPrintable(errorText(dialog)));
        type(dialog, u"apiVersion"_s, u"2024-10-21"_s);
        type(dialog, u"pricingModel"_s, u"gpt-4o"_s);
        QVERIFY2(okButton(dialog)->isEnabled(), qPrintable(errorText(dialog)));
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);

        QTRY_VERIFY(storedAccount(f.relay.db(), u"azure east"_s));
        const auto stored = *storedAccount(f.relay.db(), u"azure east"_s);
        QCOMPARE(stored.type, QString::fromLatin1(providers::kAzureOpenAIType));
        QCOMPARE(stored.baseUrl, u"https://res.openai.azure.com"_s);
        const auto extra = providers::AccountExtra::fromJson(stored.extra);
        QVERIFY(extra);
        QCOMPARE(extra->azureDeployment, u"gpt4o-prod"_s);
        QCOMPARE(extra->azureApiVersion, u"2024-10-21"_s);
        QCOMPARE(extra->pricingModel, u"gpt-4o"_s);
        QCOMPARE(unsealed(f, stored).first, "azure-key-typed"_ba);
        QVERIFY(providers::consoleAccountFromRecord(stored, nullptr));
    }

    void editAzureSwitchesToTheV1ApiAndKeepsTheKey()
    {
        Fixture f;
        QVERIFY(f.start());
        const QByteArray key = plainBytes(providers::encodeCredentials("azure-stored-key", {}));
        const QString id = f.insert(u"azure"_s,
                                    providers::kAzureOpenAIType,
                                    u"{\"deployment\":\"gpt4o\",\"api_version\":\"2025-04-01-preview\"}"_s,
                                    key);
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        const QByteArray before = storedAccount(f.relay.db(), u"azure"_s)->sealedCredentials;
        QDialog *dialog = openEditDialog(f, 0);
        QVERIFY(dialog);
        QCOMPARE(dialog->findChild<QLineEdit *>(u"deployment"_s)->text(), u"gpt4o"_s);
        QCOMPARE(dialog->findChild<QLineEdit *>(u"apiVersion"_s)->text(), u"2025-04-01-preview"_s);
        type(dialog, u"deployment"_s, QString());
        QVERIFY(!okButton(dialog)->isEnabled());
        type(dialog, u"deployment"_s, u"gpt41"_s);
        dialog->findChild<QCheckBox *>(u"v1Api"_s)->setChecked(true);
        QVERIFY(!dialog->findChild<QLineEdit *>(u"apiVersion"_s)->isEnabled());
        type(dialog, u"pricingModel"_s, u"gpt-4.1"_s);
        QVERIFY2(okButton(dialog)->isEnabled(), qPrintable(errorText(dialog)));
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QTRY_VERIFY(f.page->findChild<QDialog *>(u"editAccountDialog"_s) == nullptr);

        const auto stored = *storedAccount(f.relay.db(), u"azure"_s);
        QCOMPARE(stored.id, id);
        QCOMPARE(stored.sealedCredentials, before); // nothing typed: byte for byte
        const auto extra = providers::AccountExtra::fromJson(stored.extra);
        QVERIFY(extra);
        QCOMPARE(extra->azureDeployment, u"gpt41"_s);
        QVERIFY(extra->azureApiVersion.isEmpty()); // the v1 API
        QCOMPARE(extra->pricingModel, u"gpt-4.1"_s);
    }

    void editChatGPTAccountKeepsTokensAndAccountId()
    {
        Fixture f;
        QVERIFY(f.start());
        const QByteArray tokens =
            plainBytes(providers::encodeOAuthCredentials("chatgpt-access", "chatgpt-refresh", 4'102'444'800'000, {}));
        f.insert(u"codex"_s,
                 providers::kOpenAIOAuthType,
                 u"{\"chatgpt_account_id\":\"acct-7\",\"email\":\"me@example.com\"}"_s,
                 tokens);
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        const auto before = *storedAccount(f.relay.db(), u"codex"_s);
        QDialog *dialog = openEditDialog(f, 0);
        QVERIFY(dialog);
        QVERIFY(!rowVisible(dialog, u"apiKey"_s)); // tokens come from signing in
        QVERIFY(!rowVisible(dialog, u"deployment"_s));
        QVERIFY(rowVisible(dialog, u"shared"_s)); // personal until shared, like a Claude subscription
        QVERIFY(!rowVisible(dialog, u"sharedWarning"_s));
        dialog->findChild<QCheckBox *>(u"shared"_s)->setChecked(true);
        QVERIFY(rowVisible(dialog, u"sharedWarning"_s));
        auto *priority = dialog->findChild<QSpinBox *>(u"priority"_s);
        priority->setValue(7);
        type(dialog, u"proxyUrl"_s, u"socks5://erin@127.0.0.1:1080"_s);
        type(dialog, u"proxyPassword"_s, u"proxy-new"_s);
        QVERIFY2(okButton(dialog)->isEnabled(), qPrintable(errorText(dialog)));
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QTRY_VERIFY(f.page->findChild<QDialog *>(u"editAccountDialog"_s) == nullptr);

        const auto stored = *storedAccount(f.relay.db(), u"codex"_s);
        QCOMPARE(stored.priority, 7);
        QVERIFY(!before.sharedWithOthers);
        QVERIFY(stored.sharedWithOthers);
        QCOMPARE(stored.extra, before.extra); // the account id stays
        auto plain = f.relay.sealer().unseal(stored.sealedCredentials, stored.id.toUtf8());
        QVERIFY(plain);
        auto credentials = providers::decodeCredentials(*plain);
        QVERIFY(credentials && credentials->oauth);
        QVERIFY(credentials->apiKey.equals("chatgpt-access"));
        QVERIFY(credentials->refreshToken.equals("chatgpt-refresh"));
        QVERIFY(credentials->proxyPassword.equals("proxy-new"));
    }
};

QTEST_MAIN(TestOpenAIAccounts)
#include "tst_openaiaccounts.moc"
