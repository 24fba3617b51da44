"""The Vietnamese catalogue, the default language of every user-facing text (as the VssID app words it).

`PERSISTED_QUERY_NOT_FOUND` stays `PersistedQueryNotFound`: Apollo clients match on that exact message to resend a
persisted query with its text.
"""

from __future__ import annotations

from core.text_ids import TextId

VI: dict[TextId, str] = {
    TextId.SERVICE_DATABASE_UNAVAILABLE: (
        "Hệ thống tạm thời không kết nối được cơ sở dữ liệu, vui lòng thử lại sau ít phút."
    ),
    TextId.SERVICE_OVERLOADED: "Hệ thống đang bận, vui lòng thử lại sau ít phút.",
    TextId.UNEXPECTED_ERROR: "Đã xảy ra lỗi không mong muốn.",
    TextId.UNEXPECTED_ERROR_WITH_ID: "Đã xảy ra lỗi không mong muốn. Mã yêu cầu: {request_id}.",
    TextId.RETRY_AFTER: "{message} Có thể thử lại từ {at:vi}.",
    TextId.INVALID_ID: "Mã định danh (ID) không hợp lệ.",
    TextId.NOT_AN_ID: "Mã định danh (ID) không hợp lệ.",
    TextId.FIRST_OUT_OF_RANGE: "Số mục mỗi trang (first) phải từ 0 đến {maximum}.",
    TextId.INVALID_CURSOR: "Con trỏ trang (after) không thuộc danh sách này; vui lòng tải lại từ trang đầu.",
    TextId.YEAR_OUT_OF_RANGE: "Năm phải từ {minimum} đến {maximum}.",
    TextId.CODE_FORMAT: "Mã số BHXH gồm 10 chữ số (0-9).",
    TextId.PASSWORD_AT_MOST: "Mật khẩu có tối đa {maximum} ký tự.",
    TextId.ACCOUNT_LOCKED: "Bạn đã nhập sai quá nhiều lần, vui lòng thử lại sau.",
    TextId.LOGIN_WRONG: "Mã số BHXH hoặc mật khẩu không đúng.",
    TextId.ACCOUNT_DISABLED: "Tài khoản của bạn đã bị vô hiệu hóa, vui lòng liên hệ cơ quan BHXH để được hỗ trợ.",
    TextId.CURRENT_PASSWORD_WRONG: "Mật khẩu hiện tại không đúng.",
    TextId.CURRENT_PASSWORD_TOO_MANY: "Bạn đã nhập sai mật khẩu hiện tại quá nhiều lần, vui lòng thử lại sau.",
    TextId.PASSWORD_REUSED: "Mật khẩu mới phải khác mật khẩu hiện tại.",
    TextId.PHONE_FORMAT: "Số điện thoại gồm 10 chữ số, bắt đầu bằng số 0.",
    TextId.OTP_FORMAT: "Mã OTP gồm 6 chữ số (0-9).",
    TextId.OTP_TOO_MANY_WRONG: "Bạn đã nhập sai mã OTP quá nhiều lần, vui lòng thử lại sau.",
    TextId.OTP_WRONG_EXPIRED_OR_USED: "Mã OTP không đúng, đã hết hạn hoặc đã được sử dụng, vui lòng lấy mã mới.",
    TextId.PASSWORD_IS_CODE: "Không dùng mã số BHXH làm mật khẩu.",
    TextId.PASSWORD_IS_BIRTH_DATE: "Không dùng ngày sinh làm mật khẩu.",
    TextId.PASSWORD_IS_NAME: "Không dùng họ tên làm mật khẩu.",
    TextId.PASSWORD_TOO_SHORT: "Mật khẩu phải có ít nhất {minimum} ký tự.",
    TextId.PASSWORD_TOO_LONG: "Mật khẩu có tối đa {maximum} ký tự.",
    TextId.PASSWORD_TOO_COMMON: "Mật khẩu này quá phổ biến, vui lòng chọn mật khẩu khác.",
    TextId.SIGN_IN_AGAIN: "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.",
    TextId.GRANTEE_CODE_FORMAT: "Mã số BHXH gồm 10 chữ số.",
    TextId.GRANT_PARTS: "Chọn ít nhất một phần dữ liệu trong số: {parts}.",
    TextId.GRANT_VALID_UNTIL_OFFSET: "Thời hạn ủy quyền (validUntil) phải ghi kèm múi giờ.",
    TextId.GRANT_VALID_UNTIL_PAST: "Thời hạn ủy quyền (validUntil) phải là một thời điểm trong tương lai.",
    TextId.GRANT_TOO_LONG: "Thời hạn ủy quyền tối đa là {years} năm.",
    TextId.GRANTS_TOO_MANY_TODAY: "Bạn đã thử ủy quyền quá nhiều lần trong hôm nay, vui lòng thử lại vào ngày mai.",
    TextId.GRANTEE_UNAVAILABLE: "Không có tài khoản nào với mã số BHXH này có thể nhận ủy quyền.",
    TextId.GRANT_TO_SELF: "Bạn không cần tự ủy quyền: bạn đã xem được dữ liệu của chính mình.",
    TextId.GRANT_NOT_FOUND: "Không tìm thấy ủy quyền này.",
    TextId.GRANT_ONLY_GRANTEE_ACCEPTS: "Chỉ người được ủy quyền mới có thể chấp nhận ủy quyền.",
    TextId.GRANT_IS_LIVE: "Ủy quyền này đã có hiệu lực.",
    TextId.GRANT_IS_REVOKED: "Ủy quyền này đã bị thu hồi.",
    TextId.GRANT_IS_EXPIRED: "Ủy quyền này đã hết hạn.",
    TextId.GRANT_ID_INVALID: "Mã định danh (ID) này không phải của một ủy quyền.",
    TextId.REGISTRATION_CODE_FORMAT: "Mã số BHXH phải gồm 10 chữ số (0-9).",
    TextId.REGISTRATION_NATIONAL_ID_FORMAT: "Số CCCD phải gồm 12 chữ số (0-9).",
    TextId.REGISTRATION_NAME_LENGTH: "Họ và tên phải dài từ 1 đến 200 ký tự.",
    TextId.REGISTRATION_PHONE_FORMAT: "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng số 0.",
    TextId.REGISTRATION_EMAIL_FORMAT: "Địa chỉ thư điện tử (email) không hợp lệ.",
    TextId.REGISTRATION_OTP_FORMAT: "Mã OTP phải gồm 6 chữ số (0-9).",
    TextId.REGISTRATION_AGENCY_CODE_FORMAT: "Mã cơ quan BHXH phải gồm 5 ký tự.",
    TextId.UNKNOWN_AGENCY: "Không có cơ quan BHXH nào mang mã này.",
    TextId.REGISTRATION_MISMATCH: "Thông tin đã nhập không khớp với người tham gia nào trong cơ sở dữ liệu BHXH.",
    TextId.REGISTRATION_ACCOUNT_OR_PENDING: "Người này đã có tài khoản hoặc đã có hồ sơ đăng ký đang chờ duyệt.",
    TextId.REGISTRATION_PENDING: "Người này đã có hồ sơ đăng ký đang chờ duyệt.",
    TextId.REGISTRATION_NOT_FOUND: "Không tìm thấy hồ sơ đăng ký này tại cơ quan của bạn.",
    TextId.REGISTRATION_DECIDED: "Hồ sơ đăng ký này đã được xử lý.",
    TextId.REGISTRATION_HOLDS_ACCOUNT: "Người này đã có tài khoản.",
    TextId.REJECTION_REASON_LENGTH: "Lý do từ chối phải dài từ 1 đến {maximum} ký tự.",
    TextId.INSTRUCTIONS_PENDING: (
        "Vui lòng mang tờ khai đăng ký đã ký cùng thẻ Căn cước (hoặc Căn cước công dân) hoặc hộ chiếu đến "
        "{where}. Cán bộ sẽ kiểm tra và kích hoạt tài khoản; bạn sẽ nhận được tin nhắn SMS (và thư điện tử, "
        "nếu đã cung cấp)."
    ),
    TextId.INSTRUCTIONS_AGENCY_CHOSEN: "cơ quan BHXH bạn đã chọn",
    TextId.INSTRUCTIONS_APPROVED: (
        "Tài khoản của bạn đã được kích hoạt. Vui lòng đăng nhập bằng mã số BHXH và mật khẩu tạm thời được "
        "gửi qua SMS."
    ),
    TextId.INSTRUCTIONS_REJECTED: (
        "Hồ sơ đăng ký của bạn chưa được chấp nhận; vui lòng xem lý do, sửa lại và đăng ký lại."
    ),
    TextId.SIGN_IN_TO_SEE: "Vui lòng đăng nhập để xem nội dung này.",
    TextId.CHANGE_PASSWORD_TO_CONTINUE: "Vui lòng đổi mật khẩu để tiếp tục.",
    TextId.ANOTHER_PERSONS_DATA: "Dữ liệu này thuộc về người khác.",
    TextId.GRANT_OF_OTHERS: "Ủy quyền này là giữa những người khác.",
    TextId.AGENCY_STAFF_ONLY: "Chỉ cán bộ cơ quan BHXH mới được thực hiện thao tác này.",
    TextId.PARTNER_KEY_NEEDED: "Vui lòng gửi khóa API đối tác có quyền {scope} trong tiêu đề X-API-Key.",
    TextId.PARTNER_SCOPE_MISSING: "Khóa API này không có quyền {scope}.",
    TextId.SIGN_IN_FIRST: "Vui lòng đăng nhập trước.",
    TextId.OTP_RESEND_TOO_SOON: "Vui lòng chờ một lát trước khi yêu cầu mã OTP mới.",
    TextId.OTP_TOO_MANY_ASKED: "Bạn đã yêu cầu quá nhiều mã OTP, vui lòng thử lại sau.",
    TextId.OTP_WRONG_OR_USED: "Mã OTP không đúng hoặc đã được sử dụng, vui lòng lấy mã mới.",
    TextId.OTP_EXPIRED: "Mã OTP đã hết hạn, vui lòng lấy mã mới.",
    TextId.OTP_BURNT: "Bạn đã nhập sai mã OTP quá nhiều lần, vui lòng lấy mã mới.",
    TextId.OTP_WRONG: "Mã OTP không đúng.",
    TextId.OTP_TOO_MANY_TRIES: "Bạn đã nhập sai quá nhiều lần, vui lòng lấy mã OTP mới.",
    TextId.INBOX_IDS_COUNT: "Vui lòng chọn từ 1 đến {maximum} thông báo.",
    TextId.INBOX_ID_INVALID: "Mã định danh (ID) này không phải của một thông báo trong hộp thư.",
    TextId.INBOX_NOT_YOURS: "Có thông báo không thuộc hộp thư của bạn.",
    TextId.PUSH_TOKEN_OF_PLATFORM: "Đây không phải mã nhận thông báo đẩy của {platform}.",
    TextId.PUSH_TOKEN_INVALID: "Đây không phải mã nhận thông báo đẩy.",
    TextId.NATIONAL_ID_FORMAT: "Số CCCD gồm 12 chữ số.",
    TextId.LOOKUPS_TOO_MANY: "Bạn đã tra cứu quá nhiều lần, vui lòng thử lại sau.",
    TextId.TEXT_HAS_NUL: "Trường {field} không được chứa ký tự NUL.",
    TextId.TEXT_LENGTH: "Trường {field} phải dài từ {minimum} đến {maximum} ký tự.",
    TextId.CODE_SHAPE: "Trường {field} không đúng định dạng.",
    TextId.CARD_NUMBER_SHAPE: "Mã thẻ (cardNumber) là mã thẻ BHYT 15 ký tự hoặc mã số BHXH 10 chữ số.",
    TextId.CARD_NAME_AND_BIRTH_NEEDED: "Vui lòng nhập họ tên và ngày sinh kèm theo mã thẻ hoặc số CCCD.",
    TextId.CITIZEN_ID_FORMAT: "Số CCCD (citizenId) là số thẻ căn cước gắn chip gồm 12 chữ số.",
    TextId.QR_LENGTH: "Mã QR phải dài từ 1 đến {maximum} ký tự, đúng như khi quét.",
    TextId.CARD_ONE_KEY: "Vui lòng nhập đúng một trong: mã thẻ, số CCCD hoặc mã QR.",
    TextId.QR_ALONE: "Mã QR đã chứa họ tên và ngày sinh: chỉ gửi riêng mã QR.",
    TextId.CARD_CHECKS_TOO_MANY: "Bạn đã tra cứu thẻ quá nhiều lần, vui lòng thử lại sau.",
    TextId.LATITUDE_RANGE: "Vĩ độ phải từ -90 đến 90.",
    TextId.LONGITUDE_RANGE: "Kinh độ phải từ -180 đến 180.",
    TextId.RADIUS_RANGE: "Bán kính (km) phải lớn hơn 0 và không quá {maximum}.",
    TextId.OUT_OF_RANGE: "Giá trị của {field} nằm ngoài phạm vi cho phép.",
    TextId.ASSISTANT_ANSWERED: "Đây là câu trả lời phù hợp nhất với câu hỏi của bạn.",
    TextId.ASSISTANT_UNANSWERED: (
        "Xin lỗi, chưa có câu trả lời phù hợp với câu hỏi của bạn. Vui lòng gọi tổng đài {hotline} hoặc "
        "gửi thư tới {email} để được hỗ trợ."
    ),
    TextId.REQUESTS_TOO_MANY: "Bạn đã gửi quá nhiều yêu cầu, vui lòng thử lại sau.",
    TextId.INVALID_REQUESTS_TOO_MANY: "Có quá nhiều yêu cầu không thực hiện được, vui lòng thử lại sau.",
    TextId.REQUEST_TIMEOUT: "Yêu cầu không hoàn tất trong {seconds} giây.",
    TextId.HTTP_NOT_FOUND: "Không tìm thấy địa chỉ được yêu cầu ({reason}).",
    TextId.HTTP_METHOD_NOT_ALLOWED: "Phương thức HTTP không được hỗ trợ ({reason}).",
    TextId.HTTP_BAD_REQUEST: "Yêu cầu không hợp lệ ({reason}).",
    TextId.BATCHING_NOT_SUPPORTED: "Mỗi yêu cầu chỉ gửi một thao tác, không gửi mảng JSON.",
    TextId.BODY_NOT_OBJECT: "Nội dung yêu cầu phải là một đối tượng JSON.",
    TextId.QUERY_NOT_STRING: "`query` và `operationName`, nếu có, phải là chuỗi.",
    TextId.VARIABLES_NOT_OBJECT: "`variables` và `extensions`, nếu có, phải là đối tượng JSON.",
    TextId.MUTATIONS_BY_POST: "Thao tác thay đổi dữ liệu (mutation) phải gửi bằng POST.",
    TextId.ENDPOINT_READ_ONLY: "Địa chỉ này chỉ cho phép đọc: chỉ chạy truy vấn (query).",
    TextId.OPERATION_UNKNOWN: "Không xác định được thao tác GraphQL cần chạy ({reason}).",
    TextId.NO_QUERY: "Yêu cầu không có truy vấn GraphQL.",
    TextId.NOT_ACCEPTABLE: (
        "Vui lòng chấp nhận application/graphql-response+json hoặc application/json (tiêu đề Accept)."
    ),
    TextId.MEDIA_TYPE: "Vui lòng gửi thao tác với Content-Type: application/json.",
    TextId.BODY_TOO_LARGE: "Nội dung yêu cầu vượt quá {limit} byte.",
    TextId.DOCUMENT_LIMIT: "Tài liệu GraphQL vượt giới hạn {limit}: tối đa {maximum}{detail}.",
    TextId.ANSWER_TOO_LARGE: (
        "Kết quả sẽ vượt quá {maximum} byte; vui lòng yêu cầu ít mục hoặc ít trường hơn trong mỗi lần."
    ),
    TextId.PERSISTED_QUERY_NOT_FOUND: "PersistedQueryNotFound",
    TextId.PERSISTED_QUERY_HASH_MISMATCH: "Mã băm sha256Hash không khớp với truy vấn đã gửi.",
    TextId.PERSISTED_QUERY_VERSION: "Phiên bản truy vấn lưu sẵn (persisted query) không được hỗ trợ.",
    TextId.PERSISTED_QUERY_HASH_FORMAT: "sha256Hash phải gồm 64 chữ số thập lục phân viết thường.",
    TextId.SUBSCRIPTION_OVER_HTTP: (
        "Đăng ký nhận tin (subscription) chạy qua WebSocket (graphql-transport-ws tại /graphql), không qua "
        "HTTP."
    ),
    TextId.SUBSCRIPTIONS_ONLY_OVER_WEBSOCKET: (
        "Qua WebSocket chỉ chạy đăng ký nhận tin (subscription); vui lòng gửi thao tác này qua HTTP."
    ),
    TextId.INTROSPECTION_DISABLED: "Địa chỉ này không cho phép truy vấn cấu trúc (introspection).",
    TextId.CREDENTIALS_BY_POST: "Thao tác này kiểm tra thông tin đăng nhập: vui lòng gửi bằng POST.",
    TextId.APPLICATION_KEY_FORMAT: (
        "Khóa chống gửi trùng (idempotencyKey) phải dài từ 8 đến 100 ký tự, không có ký tự điều khiển."
    ),
    TextId.APPLICATION_KEY_REUSED: (
        "Khóa chống gửi trùng này đã được dùng cho một hồ sơ khác; hãy dùng khóa mới cho hồ sơ mới."
    ),
    TextId.APPLICATION_ONE_KIND: "Hãy điền đúng một loại hồ sơ.",
    TextId.APPLICATION_NOT_FOUND: "Không tìm thấy hồ sơ.",
    TextId.APPLICATION_NOT_CANCELLABLE: "Hồ sơ đã được tiếp nhận xử lý hoặc đã kết thúc nên không thể hủy.",
    TextId.APPLICATION_DECIDED: "Hồ sơ đã được giải quyết hoặc đã bị hủy.",
    TextId.APPLICATION_DECIDED_BY_PAYMENT: (
        "Hồ sơ gia hạn thẻ BHYT hộ gia đình có hiệu lực khi được thanh toán, không cần cán bộ duyệt."
    ),
    TextId.APPLICATION_REASON_LENGTH: "Lý do phải dài từ 1 đến {maximum} ký tự.",
    TextId.FACILITY_CHANGE_WINDOW_CLOSED: (
        "Chỉ được đổi nơi đăng ký KCB ban đầu trong {days} ngày đầu của mỗi quý; hôm nay nằm ngoài thời gian "
        "này."
    ),
    TextId.FACILITY_CODE_FORMAT: "Mã cơ sở KCB gồm 5 ký tự: 2 chữ số mã tỉnh, rồi 3 chữ số hoặc chữ in hoa.",
    TextId.FACILITY_NOT_INITIAL: "Cơ sở này không nhận đăng ký KCB ban đầu.",
    TextId.FACILITY_LEVEL_NOT_ALLOWED: "Không được đăng ký KCB ban đầu tại cơ sở thuộc cấp này.",
    TextId.FACILITY_OTHER_PROVINCE: "Cơ sở phải ở tỉnh, thành phố nơi bạn cư trú.",
    TextId.FACILITY_ALREADY_REGISTERED: "Đây đã là nơi đăng ký KCB ban đầu của bạn.",
    TextId.NO_CARD_IN_FORCE: "Không có thẻ BHYT còn giá trị sử dụng.",
    TextId.CORRECTION_NOTHING: "Hãy nhập ít nhất một thông tin cần điều chỉnh, khác với thông tin đang lưu.",
    TextId.CORRECTION_NAME_LENGTH: "Họ tên phải dài từ 1 đến 200 ký tự.",
    TextId.CORRECTION_ADDRESS_LENGTH: "Địa chỉ phải dài từ 1 đến 500 ký tự.",
    TextId.CORRECTION_BIRTH_DATE: "Ngày sinh phải từ 01/01/1900 đến hôm nay.",
    TextId.RENEWAL_TERM: "Kỳ hạn đóng phải là 3, 6 hoặc 12 tháng.",
    TextId.RENEWAL_MEMBERS_FORMAT: "Hãy nêu từ 1 đến {maximum} mã số BHXH khác nhau, mỗi mã gồm 10 chữ số.",
    TextId.RENEWAL_NOT_IN_HOUSEHOLD: "Một người được chọn không thuộc hộ gia đình của bạn.",
    TextId.RENEWAL_NOT_HOUSEHOLD_GROUP: (
        "Người có mã số BHXH {code} không tham gia BHYT theo hộ gia đình hoặc chưa có thẻ BHYT."
    ),
    TextId.PAYMENT_NOT_DUE: "Hồ sơ này không chờ thanh toán.",
    TextId.APPLICATION_KIND_PRIMARY_FACILITY_CHANGE: "đổi nơi đăng ký KCB ban đầu",
    TextId.APPLICATION_KIND_CARD_REISSUE: "cấp lại thẻ BHYT",
    TextId.APPLICATION_KIND_DETAILS_CORRECTION: "điều chỉnh thông tin cá nhân",
    TextId.APPLICATION_KIND_HOUSEHOLD_RENEWAL: "gia hạn thẻ BHYT hộ gia đình",
    TextId.NOTICE_APPLICATION_APPROVED_TITLE: "Hồ sơ đã được chấp thuận",
    TextId.NOTICE_APPLICATION_APPROVED_BODY: "Hồ sơ {kind} nộp ngày {submitted} đã được chấp thuận.",
    TextId.NOTICE_APPLICATION_REJECTED_TITLE: "Hồ sơ chưa được chấp thuận",
    TextId.NOTICE_APPLICATION_REJECTED_BODY: "Hồ sơ {kind} nộp ngày {submitted} chưa được chấp thuận. Lý do: {reason}.",
    TextId.NOTICE_RECEIPT_TITLE: "Biên lai thanh toán BHYT hộ gia đình",
    TextId.NOTICE_RECEIPT_BODY: (
        "Đã nhận {amount} đồng cho hồ sơ gia hạn thẻ BHYT hộ gia đình ({months} tháng, {members} người), mã "
        "giao dịch {transaction}. Thẻ BHYT của bạn có giá trị đến ngày {valid_to}."
    ),
    TextId.PAYMENT_ORDER_INFO: "Thanh toan ho so {application} gia han the BHYT ho gia dinh",
    TextId.PAYMENT_RETURN_TITLE: "Kết quả thanh toán",
    TextId.PAYMENT_RETURN_PAID: (
        "Thanh toán thành công. Thẻ BHYT của hộ gia đình đã được gia hạn; biên lai có trong hộp thư của ứng "
        "dụng VssID."
    ),
    TextId.PAYMENT_RETURN_PENDING: (
        "Đang chờ cổng thanh toán xác nhận. Kết quả sẽ có trong ứng dụng VssID trong ít phút."
    ),
    TextId.PAYMENT_RETURN_FAILED: "Giao dịch không thành công. Bạn có thể thanh toán lại trong ứng dụng VssID.",
    TextId.PAYMENT_RETURN_INVALID: "Không xác thực được kết quả thanh toán.",
    TextId.PAYMENT_UNAVAILABLE: "Thanh toán trực tuyến tạm thời chưa sẵn sàng; vui lòng thử lại sau.",
    TextId.QUOTE_TERM_NOT_ALLOWED: "Thời hạn đóng phải là {allowed} tháng.",
    TextId.QUOTE_MEMBERS_NEEDED: (
        "Vui lòng chọn các thành viên hộ gia đình hoặc nhập số thành viên (từ 1 đến {maximum}), không cả hai."
    ),
    TextId.QUOTE_NOT_HOUSEHOLD_MEMBER: "Có người được chọn không thuộc hộ gia đình của bạn theo hồ sơ.",
    TextId.QUOTE_INCOME_NEEDED: "Vui lòng nhập mức thu nhập tháng lựa chọn để đóng BHXH tự nguyện.",
    TextId.QUOTE_INCOME_OUT_OF_RANGE: (
        "Mức thu nhập tháng lựa chọn phải từ {floor:vi} đồng đến {ceiling:vi} đồng."
    ),
    TextId.QUOTE_RATES_MISSING: "Chưa có mức đóng áp dụng cho ngày {day}; vui lòng thử lại sau.",
    TextId.VOLUNTARY_TERM: "Kỳ hạn đóng BHXH tự nguyện phải là 1, 3, 6 hoặc 12 tháng.",
    TextId.VOLUNTARY_GROUP_NOT_CONFIRMED: (
        "Hồ sơ chưa xác nhận bạn thuộc nhóm được Nhà nước hỗ trợ đã chọn (hộ nghèo, hộ cận nghèo cần thẻ BHYT mã HN, "
        "CN; người dân tộc thiểu số xin xác nhận tại cơ quan BHXH). Vui lòng chọn nhóm khác."
    ),
    TextId.VOLUNTARY_COMPULSORY_IN_TERM: (
        "Bạn đang tham gia BHXH bắt buộc trong tháng {month}, nên không thể đóng BHXH tự nguyện cho kỳ này."
    ),
    TextId.APPLICATION_KIND_VOLUNTARY_RENEWAL: "đóng BHXH tự nguyện",
    TextId.NOTICE_VOLUNTARY_RECEIPT_TITLE: "Biên lai thanh toán BHXH tự nguyện",
    TextId.NOTICE_VOLUNTARY_RECEIPT_BODY: (
        "Đã nhận {amount:vi} đồng đóng BHXH tự nguyện {months} tháng (từ tháng {from_month} đến tháng {to_month}), mức "
        "thu nhập {income:vi} đồng/tháng, Nhà nước hỗ trợ {support:vi} đồng, mã giao dịch {transaction}."
    ),
    TextId.PAYMENT_ORDER_INFO_VOLUNTARY: "Thanh toan ho so {application} dong BHXH tu nguyen",
}
