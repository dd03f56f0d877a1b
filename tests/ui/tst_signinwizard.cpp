// SPDX-License-Identifier: GPL-3.0-or-later
// Signing a Claude subscription in from the Accounts page (offscreen) against MockOAuthServer: the authorize URL the
// browser gets, pasting the code or the callback URL, the stored personal claude-oauth account and its sealed tokens,
// and the errors (wrong code, state mismatch, unreachable token endpoint, pasted setup token).
#include "core/config/datapaths.h"
#include "core/facade/storeclient.h"
#include "core/providers/console/consoleaccount.h"
#include "tests/support/mockoauthserver.h"
#include "tests/support/relayharness.h"
#include "ui/dialogs/claudesigninwizard.h"
#include "ui/pages/accountspage.h"

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTableView>
#include <QTest>
#include <QUrlQuery>

#include <optional>

using namespace Qt::StringLiterals;

namespace {

// Records what would have gone to the browser.
class CapturingWizard : public rd::ui::ClaudeSignInWizard
{
public:
    using ClaudeSignInWizard::ClaudeSignInWizard;
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
    rd::ui::ClaudeSignInWizard *createSignInWizard(std::shared_ptr<const rd::secrets::Sealer> sealer,
                                                   const rd::oauth::ClaudeOAuthEndpoints &endpoints) override
    {
        wizard = new CapturingWizard(std::move(sealer), endpoints, this);
        return wizard;
    }
};

struct Fixture
{
    rd::test::MockOAuthServer oauth;
    rd::test::RelayHarness relay;
    std::optional<rd::facade::StoreClient> store;
    std::optional<TestPage> page;

    bool start(const QString &tokenUrl = {})
    {
        if (!oauth.listen() || !relay.start()) {
            return false;
        }
        store.emplace(rd::store::StoreLocation{rd::config::databasePath(relay.dataDir())});
        page.emplace();
        rd::oauth::ClaudeOAuthEndpoints endpoints = rd::oauth::ClaudeOAuthEndpoints::defaults();
        endpoints.tokenUrl = tokenUrl.isEmpty() ? oauth.tokenUrl() : tokenUrl;
        page->setClaudeEndpoints(endpoints);
        page->attach(rd::ui::UiContext{relay.service(), &*store, relay.dataDir()});
        page->show();
        page->setActive(true);
        return true;
    }
    ~Fixture() { page.reset(); }

    CapturingWizard *openWizard(const QString &name)
    {
        QTest::mouseClick(page->findChild<QPushButton *>(u"signInButton"_s), Qt::LeftButton);
        if (!page->wizard || page->wizard->objectName() != u"claudeSignInWizard"_s) {
            return nullptr;
        }
        QTest::keyClicks(page->wizard->findChild<QLineEdit *>(u"name"_s), name);
        return page->wizard;
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

QString errorText(QWidget *dialog)
{
    return dialog->findChild<QLabel *>(u"errorLabel"_s)->text();
}

void paste(QWidget *dialog, const QString &text)
{
    auto *edit = dialog->findChild<QLineEdit *>(u"codeEdit"_s);
    edit->clear();
    QTest::keyClicks(edit, text);
}

// Opens the sign-in page; returns its query and registers `code` with the mock for its PKCE challenge.
QUrlQuery openSignInPage(Fixture &f, CapturingWizard *wizard, const QByteArray &code)
{
    QTest::mouseClick(wizard->findChild<QPushButton *>(u"openBrowserButton"_s), Qt::LeftButton);
    if (wizard->opened.isEmpty()) {
        return {};
    }
    const QUrlQuery query(wizard->opened.last());
    if (!code.isEmpty()) {
        f.oauth.expectChallenge(code, query.queryItemValue(u"code_challenge"_s).toLatin1());
    }
    return query;
}

} // namespace

class TestSignInWizard : public QObject
{
    Q_OBJECT
private slots:
    void pastedCodeSignsAPersonalSubscriptionIn_data()
    {
        QTest::addColumn<bool>("wholeUrl");
        QTest::newRow("code#state") << false;
        QTest::newRow("callback URL") << true;
    }
    void pastedCodeSignsAPersonalSubscriptionIn()
    {
        QFETCH(bool, wholeUrl);
        Fixture f;
        QVERIFY(f.start());
        CapturingWizard *wizard = f.openWizard(u"my max"_s);
        QVERIFY(wizard);
        QTRY_VERIFY(wizard->isVisible());
        QVERIFY(wizard->findChild<QLabel *>(u"guardrailLabel"_s)->text().contains(u"personal"_s));
        QVERIFY(!okButton(wizard)->isEnabled()); // nothing signed in yet
        const QUrlQuery query = openSignInPage(f, wizard, "mock-code-1");
        QCOMPARE(wizard->opened.size(), 1);
        QCOMPARE(wizard->opened.first(), wizard->authorizeUrl());
        QCOMPARE(wizard->opened.first().host(), u"claude.ai"_s);
        QCOMPARE(query.queryItemValue(u"code_challenge_method"_s), u"S256"_s);
        QCOMPARE(query.queryItemValue(u"code_challenge"_s).size(), 43);
        QCOMPARE(query.queryItemValue(u"client_id"_s), rd::oauth::ClaudeOAuthEndpoints::defaults().clientId);
        QVERIFY(query.queryItemValue(u"scope"_s, QUrl::FullyDecoded).contains(u"user:inference"_s));
        const QString state = query.queryItemValue(u"state"_s);
        QCOMPARE(state.size(), 43);
        const QString redirect = rd::oauth::ClaudeOAuthEndpoints::defaults().redirectUri;
        paste(wizard,
              wholeUrl ? QString(redirect + u"?code=mock-code-1#"_s + state) : QString(u"mock-code-1#"_s + state));
        QVERIFY2(okButton(wizard)->isEnabled(), qPrintable(errorText(wizard)));
        QTest::mouseClick(okButton(wizard), Qt::LeftButton);

        QTRY_COMPARE(f.accounts().size(), 1);
        const rd::store::AccountRecord stored = f.accounts().first();
        QCOMPARE(f.oauth.exchangeCount(), 1);
        QCOMPARE(stored.name, u"my max"_s);
        QCOMPARE(stored.type, QString::fromLatin1(rd::providers::kClaudeOAuthType));
        QCOMPARE(stored.baseUrl, u"https://api.anthropic.com"_s);
        QVERIFY(!stored.sharedWithOthers); // personal by default
        QVERIFY(stored.enabled);
        const qint64 expected = QDateTime::currentMSecsSinceEpoch() + 28800 * 1000LL;
        QVERIFY(qAbs(stored.tokenExpiresAtMs - expected) < 60'000);
        QVERIFY(!stored.sealedCredentials.contains("sk-ant-"));
        auto plain = f.relay.sealer().unseal(stored.sealedCredentials, stored.id.toUtf8());
        QVERIFY(plain);
        auto credentials = rd::providers::decodeCredentials(*plain);
        QVERIFY(credentials);
        QVERIFY(credentials->oauth);
        QVERIFY(credentials->apiKey.expose().startsWith("sk-ant-oat01-mock-"));
        QVERIFY(f.oauth.isRefreshTokenValid(credentials->refreshToken.expose().toByteArray()));
        QCOMPARE(credentials->expiresAtMs, stored.tokenExpiresAtMs);
        QTRY_VERIFY(f.page->wizard.isNull()); // accepted and deleted
        QVERIFY(f.page->findChild<QLabel *>(u"message"_s)->text().contains(u"personal"_s));
    }

    void wrongCodeShowsTheServersErrorAndStoresNothing()
    {
        Fixture f;
        QVERIFY(f.start());
        CapturingWizard *wizard = f.openWizard(u"max"_s);
        QVERIFY(wizard);
        const QUrlQuery query = openSignInPage(f, wizard, "the-right-code");
        paste(wizard, u"a-wrong-code#"_s + query.queryItemValue(u"state"_s));
        QTest::mouseClick(okButton(wizard), Qt::LeftButton);
        QTRY_VERIFY2(errorText(wizard).contains(u"Invalid or expired authorization code"_s),
                     qPrintable(errorText(wizard)));
        QVERIFY(errorText(wizard).startsWith(u"Sign-in failed"_s));
        QCOMPARE(f.oauth.exchangeCount(), 1);
        QVERIFY(!wizard->findChild<QWidget *>(u"progress"_s)->isVisible());
        QVERIFY(okButton(wizard)->isEnabled()); // the user may paste another code
        f.store->waitForIdle();
        QVERIFY(f.accounts().isEmpty());
        QVERIFY(wizard->isVisible());
    }

    void stateMismatchIsRefusedWithoutAskingTheServer()
    {
        Fixture f;
        QVERIFY(f.start());
        CapturingWizard *wizard = f.openWizard(u"max"_s);
        QVERIFY(wizard);
        openSignInPage(f, wizard, "code-for-another-state");
        paste(wizard, u"code-for-another-state#someone-elses-state"_s);
        QTest::mouseClick(okButton(wizard), Qt::LeftButton);
        QVERIFY2(errorText(wizard).contains(u"state mismatch"_s), qPrintable(errorText(wizard)));
        QCOMPARE(f.oauth.requestCount(), 0);
    }

    void unreachableTokenEndpointIsANetworkError()
    {
        Fixture f;
        QVERIFY(f.start(u"http://127.0.0.1:1/v1/oauth/token"_s));
        CapturingWizard *wizard = f.openWizard(u"max"_s);
        QVERIFY(wizard);
        const QUrlQuery query = openSignInPage(f, wizard, {});
        paste(wizard, u"some-code#"_s + query.queryItemValue(u"state"_s));
        QTest::mouseClick(okButton(wizard), Qt::LeftButton);
        QTRY_VERIFY2(errorText(wizard).contains(u"cannot reach the token endpoint"_s), qPrintable(errorText(wizard)));
        QVERIFY(f.accounts().isEmpty());
    }

    void setupTokenVariantsAskForInferenceOrTakeAPastedToken()
    {
        Fixture f;
        QVERIFY(f.start());
        CapturingWizard *wizard = f.openWizard(u"long"_s);
        QVERIFY(wizard);
        auto *method = wizard->findChild<QComboBox *>(u"method"_s);
        method->setCurrentIndex(int(rd::ui::ClaudeSignInWizard::Method::SetupToken));
        const QUrlQuery query = openSignInPage(f, wizard, {});
        QCOMPARE(query.queryItemValue(u"scope"_s, QUrl::FullyDecoded), u"user:inference"_s);

        method->setCurrentIndex(int(rd::ui::ClaudeSignInWizard::Method::PasteToken));
        QVERIFY(!wizard->findChild<QWidget *>(u"openBrowserButton"_s)->isVisible());
        paste(wizard, u"sk-ant-ort01-not-an-access-token-000000000"_s);
        QTest::mouseClick(okButton(wizard), Qt::LeftButton);
        QVERIFY2(errorText(wizard).contains(u"refresh token"_s), qPrintable(errorText(wizard)));
        const QByteArray token = "sk-ant-oat01-pasted-setup-token-0123456789abcdef";
        paste(wizard, QString::fromLatin1(token));
        QTest::mouseClick(okButton(wizard), Qt::LeftButton);
        QTRY_COMPARE(f.accounts().size(), 1);
        const rd::store::AccountRecord stored = f.accounts().first();
        QCOMPARE(stored.type, QString::fromLatin1(rd::providers::kClaudeOAuthType));
        auto plain = f.relay.sealer().unseal(stored.sealedCredentials, stored.id.toUtf8());
        QVERIFY(plain);
        auto credentials = rd::providers::decodeCredentials(*plain);
        QVERIFY(credentials && credentials->apiKey.equals(token));
        QVERIFY(credentials->refreshToken.isEmpty());
        QCOMPARE(f.oauth.requestCount(), 0);
    }
};

QTEST_MAIN(TestSignInWizard)
#include "tst_signinwizard.moc"
