// SPDX-License-Identifier: GPL-3.0-or-later
// Signing a ChatGPT subscription (Codex) in from the Accounts page (offscreen) against MockOAuthServer, with the
// redirect URI on a free loopback port: the browser's callback as a real HTTP GET to the wizard's listener, the pasted
// callback URL or bare code when the port is taken, a foreign state refused, and the stored personal openai-oauth
// account (account id, plan, sealed tokens).
#include "core/config/datapaths.h"
#include "core/facade/storeclient.h"
#include "core/providers/console/consoleaccount.h"
#include "tests/support/mockoauthserver.h"
#include "tests/support/relayharness.h"
#include "ui/dialogs/chatgptsigninwizard.h"
#include "ui/pages/accountspage.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTcpServer>
#include <QTest>
#include <QUrlQuery>

#include <optional>

using namespace Qt::StringLiterals;
using rd::test::MockOAuthServer;

namespace {

// Records what would have gone to the browser.
class CapturingWizard : public rd::ui::ChatGPTSignInWizard
{
public:
    using ChatGPTSignInWizard::ChatGPTSignInWizard;
    QList<QUrl> opened;

protected:
    bool openBrowser(const QUrl &url) override
    {
        opened << url;
        return true;
    }
};

class TestPage : public rd::ui::AccountsPage
{
public:
    QPointer<CapturingWizard> wizard;

protected:
    rd::ui::ChatGPTSignInWizard *createChatGPTSignInWizard(std::shared_ptr<const rd::secrets::Sealer> sealer,
                                                           const rd::oauth::OpenAIOAuthEndpoints &endpoints) override
    {
        wizard = new CapturingWizard(std::move(sealer), endpoints, this);
        return wizard;
    }
};

// A loopback port nobody listens on right now.
quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

struct Fixture
{
    MockOAuthServer oauth;
    rd::test::RelayHarness relay;
    std::optional<rd::facade::StoreClient> store;
    std::optional<TestPage> page;
    QString redirectUri;

    bool start()
    {
        const quint16 port = freePort();
        if (port == 0 || !oauth.listen() || !relay.start()) {
            return false;
        }
        redirectUri = u"http://localhost:%1/auth/callback"_s.arg(port);
        rd::oauth::OpenAIOAuthEndpoints endpoints = rd::oauth::OpenAIOAuthEndpoints::defaults();
        endpoints.tokenUrl = oauth.openaiTokenUrl();
        endpoints.redirectUri = redirectUri;
        oauth.setOpenAIClient(endpoints.clientId.toUtf8(), redirectUri.toUtf8());
        store.emplace(rd::store::StoreLocation{rd::config::databasePath(relay.dataDir())});
        page.emplace();
        page->setOpenAIEndpoints(endpoints);
        page->attach(rd::ui::UiContext{relay.service(), &*store, relay.dataDir()});
        page->show();
        page->setActive(true);
        return true;
    }
    ~Fixture() { page.reset(); }
    quint16 port() const { return static_cast<quint16>(QUrl(redirectUri).port()); }

    CapturingWizard *openWizard(const QString &name)
    {
        auto *action = page->findChild<QAction *>(u"addChatGPTAction"_s);
        if (!action) {
            return nullptr;
        }
        action->trigger();
        if (!page->wizard || page->wizard->objectName() != u"chatgptSignInWizard"_s) {
            return nullptr;
        }
        QTest::keyClicks(page->wizard->findChild<QLineEdit *>(u"name"_s), name);
        return page->wizard;
    }
    // Opens the sign-in page; returns its query and registers `code` with the mock for its PKCE challenge.
    QUrlQuery openSignInPage(CapturingWizard *wizard, const QByteArray &code)
    {
        QTest::mouseClick(wizard->findChild<QPushButton *>(u"openBrowserButton"_s), Qt::LeftButton);
        if (wizard->opened.isEmpty()) {
            return {};
        }
        const QUrlQuery query(wizard->opened.last());
        if (!code.isEmpty()) {
            oauth.expectChallenge(code, query.queryItemValue(u"code_challenge"_s).toLatin1());
        }
        return query;
    }
    QList<rd::store::AccountRecord> accounts()
    {
        return relay.db().listAccounts().value_or(QList<rd::store::AccountRecord>{});
    }
};

QPushButton *okButton(QWidget *dialog)
{
    return dialog->findChild<QDialogButtonBox *>(u"buttons"_s)->button(QDialogButtonBox::Ok);
}

QString text(QWidget *dialog, const QString &label)
{
    return dialog->findChild<QLabel *>(label)->text();
}

void paste(QWidget *dialog, const QString &value)
{
    auto *edit = dialog->findChild<QLineEdit *>(u"codeEdit"_s);
    edit->clear();
    QTest::keyClicks(edit, value);
}

// The stored account is a personal openai-oauth one with the mock's identity and live, sealed tokens.
void verifyStoredAccount(Fixture &f, const QString &name)
{
    QTRY_COMPARE(f.accounts().size(), 1);
    const rd::store::AccountRecord stored = f.accounts().first();
    QCOMPARE(f.oauth.exchangeCount(), 1);
    QCOMPARE(stored.name, name);
    QCOMPARE(stored.type, QString::fromLatin1(rd::providers::kOpenAIOAuthType));
    QCOMPARE(stored.baseUrl, QString::fromLatin1(rd::oauth::kCodexBaseUrl));
    QCOMPARE(stored.subscriptionPlan, QString::fromLatin1(MockOAuthServer::kPlanType));
    QCOMPARE(stored.priority, 7);
    QVERIFY(!stored.sharedWithOthers);
    QVERIFY(stored.enabled);
    const auto extra = rd::providers::AccountExtra::fromJson(stored.extra);
    QVERIFY(extra);
    QCOMPARE(extra->chatgptAccountId, QString::fromLatin1(MockOAuthServer::kChatGPTAccountId));
    QCOMPARE(extra->email, QString::fromLatin1(MockOAuthServer::kEmail));
    const qint64 expected = QDateTime::currentMSecsSinceEpoch() + 28800 * 1000LL;
    QVERIFY(qAbs(stored.tokenExpiresAtMs - expected) < 60'000);
    QVERIFY(!stored.sealedCredentials.contains("oai-access-mock-"));
    auto plain = f.relay.sealer().unseal(stored.sealedCredentials, stored.id.toUtf8());
    QVERIFY(plain);
    auto credentials = rd::providers::decodeCredentials(*plain);
    QVERIFY(credentials && credentials->oauth);
    QVERIFY(credentials->apiKey.expose().startsWith("oai-access-mock-"));
    QVERIFY(credentials->refreshToken.expose().startsWith("rt_mock_"));
    QVERIFY(f.oauth.isRefreshTokenValid(credentials->refreshToken.expose().toByteArray()));
    QCOMPARE(credentials->expiresAtMs, stored.tokenExpiresAtMs);
    QTRY_VERIFY(f.page->wizard.isNull()); // accepted and deleted
    QVERIFY(f.page->findChild<QLabel *>(u"message"_s)->text().contains(u"personal"_s));
}

} // namespace

class TestChatGPTSignInWizard : public QObject
{
    Q_OBJECT
private slots:
    void browserCallbackOnTheLoopbackPortSignsIn()
    {
        Fixture f;
        QVERIFY(f.start());
        CapturingWizard *wizard = f.openWizard(u"my plus"_s);
        QVERIFY(wizard);
        QTRY_VERIFY(wizard->isVisible());
        wizard->findChild<QSpinBox *>(u"priority"_s)->setValue(7);
        QVERIFY(text(wizard, u"guardrailLabel"_s).contains(u"personal"_s));
        QVERIFY(!okButton(wizard)->isEnabled());
        QVERIFY(!wizard->isListening());
        const QUrlQuery query = f.openSignInPage(wizard, "oai-code-1");
        QCOMPARE(wizard->opened.size(), 1);
        QCOMPARE(wizard->opened.first(), wizard->authorizeUrl());
        QCOMPARE(wizard->opened.first().host(), u"auth.openai.com"_s);
        QCOMPARE(query.queryItemValue(u"redirect_uri"_s, QUrl::FullyDecoded), f.redirectUri);
        QCOMPARE(query.queryItemValue(u"code_challenge_method"_s), u"S256"_s);
        QVERIFY(wizard->isListening());
        QVERIFY2(text(wizard, u"listenLabel"_s).contains(f.redirectUri), qPrintable(text(wizard, u"listenLabel"_s)));

        QString accountShown;
        connect(wizard, &rd::ui::ChatGPTSignInWizard::submitted, wizard, [&] {
            accountShown = text(wizard, u"accountLabel"_s);
        });
        // What the browser does after signing in: a GET on the redirect URI.
        QNetworkAccessManager browser;
        QUrl callback(u"http://127.0.0.1:%1/auth/callback"_s.arg(f.port()));
        callback.setQuery(u"code=oai-code-1&scope=openid&state="_s + query.queryItemValue(u"state"_s));
        QNetworkReply *reply = browser.get(QNetworkRequest(callback));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
        QTRY_VERIFY(!accountShown.isEmpty());
        QVERIFY2(accountShown.contains(QString::fromLatin1(MockOAuthServer::kEmail))
                     && accountShown.contains(QString::fromLatin1(MockOAuthServer::kPlanType)),
                 qPrintable(accountShown));
        verifyStoredAccount(f, u"my plus"_s);
    }

    void pastedCallbackSignsInWhenThePortIsTaken_data()
    {
        QTest::addColumn<bool>("wholeUrl");
        QTest::newRow("callback URL") << true;
        QTest::newRow("bare code") << false;
    }
    void pastedCallbackSignsInWhenThePortIsTaken()
    {
        QFETCH(bool, wholeUrl);
        Fixture f;
        QVERIFY(f.start());
        QTcpServer squatter; // the Codex CLI signing in at the same time
        QVERIFY(squatter.listen(QHostAddress::LocalHost, f.port()));
        CapturingWizard *wizard = f.openWizard(u"my plus"_s);
        QVERIFY(wizard);
        wizard->findChild<QSpinBox *>(u"priority"_s)->setValue(7);
        const QUrlQuery query = f.openSignInPage(wizard, "oai-code-2");
        QVERIFY(!wizard->isListening());
        QVERIFY2(text(wizard, u"listenLabel"_s).contains(u"already in use"_s),
                 qPrintable(text(wizard, u"listenLabel"_s)));
        auto *code = wizard->findChild<QLineEdit *>(u"codeEdit"_s);
        QVERIFY(code->isVisible() && code->isEnabled());
        paste(wizard,
              wholeUrl ? QString(f.redirectUri + u"?code=oai-code-2&state="_s + query.queryItemValue(u"state"_s))
                       : u"oai-code-2"_s);
        QVERIFY2(okButton(wizard)->isEnabled(), qPrintable(text(wizard, u"errorLabel"_s)));
        QTest::mouseClick(okButton(wizard), Qt::LeftButton);
        verifyStoredAccount(f, u"my plus"_s);
    }

    void foreignStateIsRefusedWithoutAskingTheServer()
    {
        Fixture f;
        QVERIFY(f.start());
        CapturingWizard *wizard = f.openWizard(u"plus"_s);
        QVERIFY(wizard);
        f.openSignInPage(wizard, "code-for-another-state");
        paste(wizard, f.redirectUri + u"?code=code-for-another-state&state=someone-elses-state"_s);
        QTest::mouseClick(okButton(wizard), Qt::LeftButton);
        QVERIFY2(text(wizard, u"errorLabel"_s).contains(u"state mismatch"_s),
                 qPrintable(text(wizard, u"errorLabel"_s)));
        QCOMPARE(f.oauth.requestCount(), 0);
        f.store->waitForIdle();
        QVERIFY(f.accounts().isEmpty());
        QVERIFY(wizard->isVisible());
    }

    void closingTheWizardFreesTheLoopbackPort()
    {
        Fixture f;
        QVERIFY(f.start());
        CapturingWizard *wizard = f.openWizard(u"plus"_s);
        QVERIFY(wizard);
        f.openSignInPage(wizard, {});
        QVERIFY(wizard->isListening());
        wizard->reject();
        QTcpServer next; // e.g. the Codex CLI, or the next sign-in
        QVERIFY(QTest::qWaitFor([&] { return next.isListening() || next.listen(QHostAddress::LocalHost, f.port()); }));
    }
};

QTEST_MAIN(TestChatGPTSignInWizard)
#include "tst_chatgptsigninwizard.moc"
